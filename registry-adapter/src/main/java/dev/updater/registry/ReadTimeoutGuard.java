package dev.updater.registry;

import dev.updater.registry.io.OneReadPathStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * The rules of {@link StallGuard} for a body whose socket times out its own reads (a read timeout of
 * {@code stallMillis}), checked on the reading thread: no timer, and nothing closes the stream under a blocked
 * reader. A read that times out is reported as {@code StallGuard} reports a stall; after each read, a throughput
 * window that has passed with fewer bytes than {@link MinimumThroughput} asks for ends the body the same way. A
 * trickle is therefore noticed at most one read timeout after its window ends (a read returns within that time,
 * with data or with the timeout).
 */
public final class ReadTimeoutGuard extends OneReadPathStream {
    private final long stallMillis;
    private final MinimumThroughput minimum;
    private long bytesRead;
    private long windowStart = System.nanoTime();
    private long windowStartBytes;

    /** {@code in} must time out reads itself after {@code stallMillis} without data. */
    public ReadTimeoutGuard(InputStream in, long stallMillis, MinimumThroughput minimum) {
        super(in);
        this.stallMillis = stallMillis;
        this.minimum = minimum;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = super.read(b, off, len);
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("no data for " + stallMillis + " ms");
        }
        if (n > 0) bytesRead += n;
        long now = System.nanoTime();
        if (n >= 0 && now - windowStart >= minimum.window().toNanos()) {
            long arrived = bytesRead - windowStartBytes;
            if (arrived < minimum.bytesPerWindow()) {
                throw new SocketTimeoutException("only " + arrived + " bytes in "
                        + (now - windowStart) / 1_000_000 + " ms, below the minimum of " + minimum.describe());
            }
            windowStart = now;
            windowStartBytes = bytesRead;
        }
        return n;
    }
}
