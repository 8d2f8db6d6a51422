package dev.updater.registry;

import dev.updater.registry.io.OneReadPathStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A read timeout for response bodies: java.net.http's request timeout ends when headers arrive, so a server that
 * stalls mid-body would hang a device forever. If no byte arrives for {@code timeoutMillis}, or fewer bytes than
 * {@link MinimumThroughput} asks for arrive in one of its windows, the stream is closed under the blocked reader,
 * whose read then fails and is retried like any broken connection.
 */
public final class StallGuard extends OneReadPathStream {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stall-guard");
        t.setDaemon(true);
        return t;
    });
    private final long timeoutMillis;
    private final MinimumThroughput minimum;
    private volatile long lastProgress = System.nanoTime();
    /** Bytes read so far, and where the current throughput window started (time and count). */
    private volatile long bytesRead;
    private long windowStart = System.nanoTime();
    private long windowStartBytes;
    private volatile String failure;
    private final ScheduledFuture<?> check;

    public StallGuard(InputStream in, long timeoutMillis) {
        this(in, timeoutMillis, MinimumThroughput.configured());
    }

    public StallGuard(InputStream in, long timeoutMillis, MinimumThroughput minimum) {
        super(in);
        this.timeoutMillis = timeoutMillis;
        this.minimum = minimum;
        long period = Math.max(20, Math.min(timeoutMillis, minimum.window().toMillis()) / 4);
        this.check = TIMER.scheduleAtFixedRate(this::checkProgress, period, period, TimeUnit.MILLISECONDS);
    }

    /** Runs on the timer thread only, which owns the window fields. */
    private void checkProgress() {
        long now = System.nanoTime();
        if (now - lastProgress > TimeUnit.MILLISECONDS.toNanos(timeoutMillis)) {
            abort("no data for " + timeoutMillis + " ms");
            return;
        }
        if (now - windowStart >= minimum.window().toNanos()) {
            long arrived = bytesRead - windowStartBytes;
            if (arrived < minimum.bytesPerWindow()) {
                abort("only " + arrived + " bytes in " + TimeUnit.NANOSECONDS.toMillis(now - windowStart)
                        + " ms, below the minimum of " + minimum.describe());
                return;
            }
            windowStart = now;
            windowStartBytes = bytesRead;
        }
    }

    private void abort(String why) {
        failure = why;
        check.cancel(false);
        try {
            in.close();
        } catch (IOException ignored) {
            // the reader sees the failure
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = super.read(b, off, len);
        } catch (IOException e) {
            if (failure != null) throw new SocketTimeoutException(failure);
            throw e;
        }
        if (failure != null) throw new SocketTimeoutException(failure);
        lastProgress = System.nanoTime();
        if (n > 0) bytesRead += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        super.close();
    }
}
