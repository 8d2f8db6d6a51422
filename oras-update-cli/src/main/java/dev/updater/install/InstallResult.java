package dev.updater.install;

import dev.updater.schema.Digest;
import dev.updater.schema.SemVer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Installer#install} did.
 *
 * @param bytesFetched bytes downloaded (0 when the version directory was already there and verified)
 * @param pruned earlier versions removed by retention afterwards
 */
public record InstallResult(Outcome outcome, SemVer version, Digest digest, Optional<SemVer> previousVersion,
        Path versionDir, long bytesFetched, List<SemVer> pruned, String message) {

    public enum Outcome {
        INSTALLED,
        /** The requested version (same digest) was already current: nothing was done. */
        ALREADY_CURRENT
    }

    public InstallResult {
        pruned = List.copyOf(pruned);
    }
}
