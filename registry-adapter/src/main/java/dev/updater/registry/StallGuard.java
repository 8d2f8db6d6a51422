package dev.updater.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A read timeout for response bodies: java.net.http's request timeout ends when headers arrive, so a server that
 * stalls mid-body would hang a device forever. If no byte arrives for {@code timeoutMillis}, the stream is closed
 * under the blocked reader, whose read then fails and is retried like any broken connection.
 */
public final class StallGuard extends FilterInputStream {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stall-guard");
        t.setDaemon(true);
        return t;
    });
    private final long timeoutMillis;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;
    private final ScheduledFuture<?> check;

    public StallGuard(InputStream in, long timeoutMillis) {
        super(in);
        this.timeoutMillis = timeoutMillis;
        long period = Math.max(50, timeoutMillis / 4);
        this.check = TIMER.scheduleAtFixedRate(this::checkStall, period, period, TimeUnit.MILLISECONDS);
    }

    private void checkStall() {
        if (System.nanoTime() - lastProgress > TimeUnit.MILLISECONDS.toNanos(timeoutMillis)) {
            stalled = true;
            check.cancel(false);
            try {
                in.close();
            } catch (IOException ignored) {
                // the reader sees the failure
            }
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = super.read(b, off, len);
        } catch (IOException e) {
            if (stalled) throw new java.net.SocketTimeoutException("no data for " + timeoutMillis + " ms");
            throw e;
        }
        if (stalled) throw new java.net.SocketTimeoutException("no data for " + timeoutMillis + " ms");
        lastProgress = System.nanoTime();
        return n;
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        super.close();
    }
}
