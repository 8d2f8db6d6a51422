package dev.updater.pull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.io.Durable;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.SemVer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which verified release the install root's current version came from ({@code installed-release.json} in the state
 * directory), written by the pull that installed it. The installer records only the payload; this lets a check see
 * that the release a tag or the TUF targets name now is the one already installed, without reading its update
 * manifest. It speaks for the current version only: a rollback or another install makes it not match.
 */
record InstalledRelease(SemVer version, String target, Digest payload, Digest release) {
    private static final String FILE = "installed-release.json";

    InstalledRelease {
        if (version == null || target == null || payload == null || release == null) {
            throw new IllegalArgumentException("every part of an installed release is required");
        }
    }

    static InstalledRelease of(VerifiedRelease release, String target) {
        return new InstalledRelease(release.release().update().version(), target, release.target(target).digest(),
                release.digest());
    }

    void write(Path stateDir) {
        ObjectNode n = Json.object();
        n.put("version", version.toString());
        n.put("target", target);
        n.put("payload", payload.toString());
        n.put("release", release.toString());
        Durable.write(stateDir.resolve(FILE), Json.write(n));
    }

    /** The record, when it is readable and names {@code current} (else the current version came another way). */
    static Optional<InstalledRelease> read(Path stateDir, Optional<SemVer> current) {
        Path file = stateDir.resolve(FILE);
        if (current.isEmpty() || !Files.isRegularFile(file)) return Optional.empty();
        try {
            JsonNode n = Json.parse(Files.readAllBytes(file), "installed release");
            InstalledRelease r = new InstalledRelease(SemVer.parse(n.get("version").asText()),
                    n.get("target").asText(), Digest.parse(n.get("payload").asText()),
                    Digest.parse(n.get("release").asText()));
            return r.version().equals(current.get()) ? Optional.of(r) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable: the check reads the release, as it always could
        }
    }
}
