package dev.updater.registry;

import java.io.InputStream;

/** Blob bytes starting at {@code start}: the offset asked for, or 0 when the server ignored the Range request. */
public record RangedStream(InputStream in, long start) {
    public RangedStream {
        if (in == null) throw new IllegalArgumentException("a stream is required");
        if (start < 0) throw new IllegalArgumentException("start cannot be negative");
    }
}
