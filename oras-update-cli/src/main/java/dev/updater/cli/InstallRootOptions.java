package dev.updater.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The install root a command works on (pull --install-root, status, rollback). */
public final class InstallRootOptions {
    static final String ENV = "UPDATE_INSTALL_ROOT";

    @Option(names = "--install-root", paramLabel = "DIR", defaultValue = "${env:" + ENV + "}",
            description = "The install root: versions/<version>/, the 'current' symlink and .updater/ state "
                    + "(default: $" + ENV + ").")
    Path installRoot;

    Optional<Path> root() {
        return Optional.ofNullable(installRoot);
    }

    Path requireRoot() {
        return root().orElseThrow(() -> new UsageException("name the install root with --install-root DIR (or set "
                + ENV + ")"));
    }
}
