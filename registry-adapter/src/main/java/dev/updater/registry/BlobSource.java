package dev.updater.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Bytes to upload, openable more than once so that a failed upload can be retried from the start. */
@FunctionalInterface
public interface BlobSource {
    InputStream open() throws IOException;

    static BlobSource of(byte[] bytes) {
        return () -> new java.io.ByteArrayInputStream(bytes);
    }

    static BlobSource of(Path file) {
        return () -> Files.newInputStream(file);
    }

    /** The {@code length} bytes from {@code offset} on: a chunk of a payload, or the rest of a resumed upload. */
    default BlobSource region(long offset, long length) {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("offset and length cannot be negative");
        return () -> {
            InputStream in = open();
            in.skipNBytes(offset);
            return new FilterInputStream(in) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) return -1;
                    int b = super.read();
                    if (b >= 0) left--;
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) return -1;
                    int n = super.read(b, off, (int) Math.min(len, left));
                    if (n > 0) left -= n;
                    return n;
                }
            };
        };
    }
}
