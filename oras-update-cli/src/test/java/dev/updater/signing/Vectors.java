package dev.updater.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real cosign vectors in shared/vectors/cosign (README there says what each must give). */
final class Vectors {
    private Vectors() {}

    static final char[] PASSWORD = "hello".toCharArray();

    static Path root() {
        String configured = System.getProperty("cosign.vectors");
        if (configured != null) {
            return Path.of(configured);
        }
        // The worktree sits beside shared/ (/work/wt-x and /work/shared); CI clones main beside a copy of shared/.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/vectors/cosign");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/vectors/cosign not found above " + Path.of("").toAbsolutePath()
                + "; set -Dcosign.vectors=DIR");
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
