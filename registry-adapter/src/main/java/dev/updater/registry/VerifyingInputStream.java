package dev.updater.registry;

import dev.updater.schema.Digest;
import dev.updater.registry.io.OneReadPathStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes and counts bytes as they pass. More bytes than declared are refused at once (an endless-data attack must not
 * fill a disk); at the end of the stream both the length and the digest must match, or the read that reached the end
 * throws {@link DigestMismatchException}. The caller therefore only sees a normal end of stream for good content.
 */
public final class VerifyingInputStream extends OneReadPathStream {
    private final Digest expected;
    private final long expectedSize;
    private final String what;
    private final MessageDigest sha256;
    private long count;
    private boolean verified;

    public VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what) {
        this(in, expected, expectedSize, what, Digest.newMessageDigest(), 0);
    }

    /**
     * Continues a verification (a resumed download): {@code hashedPrefix} already holds the hash state of the first
     * {@code offset} bytes, and {@code in} delivers the rest. The digest object is owned by this stream from now on.
     */
    public VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what,
            MessageDigest hashedPrefix, long offset) {
        super(in);
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.what = what;
        this.sha256 = hashedPrefix;
        this.count = offset;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (verified) return -1;
        int allowed = (int) Math.min(len, Math.max(1, expectedSize - count + 1));
        int n = super.read(b, off, allowed);
        if (n < 0) {
            finish();
            return -1;
        }
        count += n;
        if (count > expectedSize) {
            throw new DigestMismatchException(what + " (longer than the " + expectedSize + " bytes declared)",
                    expected, "more than " + expectedSize + " bytes");
        }
        sha256.update(b, off, n);
        return n;
    }

    private void finish() {
        if (count != expectedSize) {
            throw new DigestMismatchException(what + " (truncated: " + count + " of " + expectedSize + " bytes)",
                    expected, "a truncated blob");
        }
        Digest actual = Digest.fromBytes(sha256.digest());
        if (!actual.equals(expected)) {
            throw new DigestMismatchException(what, expected, actual.toString());
        }
        verified = true;
    }

    public long bytesRead() {
        return count;
    }
}
