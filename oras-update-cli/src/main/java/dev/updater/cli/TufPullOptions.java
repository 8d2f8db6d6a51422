package dev.updater.cli;

import dev.updater.pull.DevicePull;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** TUF trust on pull: on whenever the device has pinned a root ('update trust bootstrap'), or forced with --tuf. */
public final class TufPullOptions {
    @Option(names = "--tuf", description = "Require TUF trust: fail unless a root was pinned with 'update trust "
            + "bootstrap' for this --install-root / --state-dir. (Trust is used whenever one was pinned.)")
    boolean required;

    @Option(names = "--product", paramLabel = "NAME", description = "With TUF trust: the product whose signed "
            + "targets are looked up, PRODUCT/VERSION or PRODUCT/channels/CHANNEL (default: the repository's last "
            + "component, as 'update push' does).")
    String product;

    /** The TUF settings of a pull whose pinned root (if any) lives in {@code trustDir}. */
    DevicePull.Tuf settings(Path trustDir) {
        return new DevicePull.Tuf(trustDir, required, Optional.ofNullable(product));
    }
}
