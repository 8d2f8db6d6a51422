package dev.updater.install;

import dev.updater.schema.Digest;
import dev.updater.schema.SemVer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What {@link Installer#rollback} did: {@code current} moved from one version to another. */
public record RollbackResult(SemVer fromVersion, Optional<Digest> fromDigest, SemVer toVersion, Digest toDigest,
        Instant time, List<SemVer> pruned) {

    public RollbackResult {
        pruned = List.copyOf(pruned);
    }
}
