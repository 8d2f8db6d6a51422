package dev.updater.pull;

import dev.updater.schema.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file the device already has, from which a patch may start: its digest, or why it cannot be a base. Examined
 * once, before planning, so that the plan itself reads nothing.
 */
public record BaseFile(Path path, Optional<Digest> digest, Optional<String> unusable) {
    public BaseFile {
        if (path == null || digest == null || unusable == null || digest.isPresent() == unusable.isPresent()) {
            throw new IllegalArgumentException("a base file has either a digest or a reason it is unusable");
        }
    }

    public static BaseFile examine(Path path) {
        if (!Files.isRegularFile(path)) {
            return new BaseFile(path, Optional.empty(), Optional.of("base file " + path + " does not exist"));
        }
        try (InputStream in = Files.newInputStream(path)) {
            return new BaseFile(path, Optional.of(Digest.of(in)), Optional.empty());
        } catch (IOException e) {
            return new BaseFile(path, Optional.empty(), Optional.of("cannot read base file " + path + ": "
                    + e.getMessage()));
        }
    }
}
