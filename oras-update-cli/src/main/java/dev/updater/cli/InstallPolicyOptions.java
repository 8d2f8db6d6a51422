package dev.updater.cli;

import dev.updater.install.InstallEvent;
import dev.updater.install.InstallOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How commands that change an install root behave: waiting for its lock, and how much history to keep. */
public final class InstallPolicyOptions {
    @Option(names = "--lock-timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long to wait for another updater working on the same install root (default: 5).")
    double lockTimeoutSeconds;

    @Option(names = "--keep", paramLabel = "N", defaultValue = "3",
            description = "How many earlier versions to keep for rollback (default: 3).")
    int keepVersions;

    @Option(names = "--keep-mib", paramLabel = "MIB", defaultValue = "50",
            description = "How much disk the earlier versions may use in total, in MiB (default: 50).")
    long keepMebibytes;

    InstallOptions options(boolean json, PrintWriter out) {
        if (lockTimeoutSeconds < 0 || keepVersions < 0 || keepMebibytes < 0) {
            throw new UsageException("--lock-timeout, --keep and --keep-mib cannot be negative");
        }
        InstallOptions options = InstallOptions.defaults()
                .withLockTimeout(Duration.ofMillis((long) (lockTimeoutSeconds * 1000)))
                .withRetention(keepVersions, keepMebibytes * 1024 * 1024);
        if (json) {
            options = options.withListener(Optional.of((InstallEvent e) -> {
                JsonOutput.print(out, JsonOutput.installEvent(e));
            }));
        }
        return options;
    }
}
