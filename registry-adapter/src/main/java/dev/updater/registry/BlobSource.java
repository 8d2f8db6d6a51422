package dev.updater.registry;

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
}
