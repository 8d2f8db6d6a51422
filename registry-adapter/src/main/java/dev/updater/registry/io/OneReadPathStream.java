package dev.updater.registry.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A filter whose every byte goes through {@link #read(byte[], int, int)}, which subclasses override: the
 * single-byte read and {@code skip} are made of it, and mark/reset is refused. For streams that count, check or time the bytes they pass (digest
 * verification, stall and throughput guards, declared lengths): {@link FilterInputStream}'s own {@code skip} and
 * {@code read()} go straight to the stream below, past whatever the subclass checks.
 */
public abstract class OneReadPathStream extends FilterInputStream {
    private static final int SKIP_BUFFER = 8192;

    protected OneReadPathStream(InputStream in) {
        super(in);
    }

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public final long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), SKIP_BUFFER)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public final boolean markSupported() {
        return false;
    }

    @Override
    public final synchronized void mark(int readLimit) {
        // not supported: the bytes read again would pass the checks twice
    }

    @Override
    public final synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }
}
