package dev.updater.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real cosign vectors in test resources {@code cosign-vectors/} (its README gives their origin, license and what each must give). */
final class Vectors {
    private Vectors() {}

    static final char[] PASSWORD = "hello".toCharArray();

    static Path root() {
        String configured = System.getProperty("cosign.vectors");
        if (configured != null) {
            return Path.of(configured);
        }
        // Kept in the repository (test resources) so the suite passes on a fresh clone with nothing beside it.
        try {
            return Path.of(Vectors.class.getResource("/cosign-vectors/README.md").toURI()).getParent();
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource cosign-vectors/ is missing from the test classpath", e);
        }
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
