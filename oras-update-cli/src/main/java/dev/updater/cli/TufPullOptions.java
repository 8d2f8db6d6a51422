package dev.updater.cli;

import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreReference;
import dev.updater.registry.VerifiedManifest;
import dev.updater.tuf.DeviceTrust;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
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

    /**
     * The release manifest the pull continues with: the one {@code manifest} names when the device has no trust
     * pinned in {@code trustDir}; otherwise the one the signed targets list for the reference's version or channel,
     * checked against the signed length and sha256. With trust, the tag itself is never resolved.
     */
    VerifiedManifest resolve(ReleaseStore store, StoreReference ref, String manifest, Path trustDir) {
        DeviceTrust trust = new DeviceTrust(trustDir, Clock.systemUTC());
        if (!trust.isBootstrapped()) {
            if (required) {
                throw new UsageException("--tuf: no trusted root pinned in " + trustDir + "; run 'update trust "
                        + "bootstrap ROOT.json' with the same --install-root or --state-dir first");
            }
            if (product != null) throw new UsageException("--product applies to pulls with TUF trust only");
            return store.fetchManifest(manifest);
        }
        if (ref.tag().isEmpty()) {
            throw new UsageException("with TUF trust, pull a version or channel (REPO:TAG), not a digest: the digest "
                    + "is taken from the signed targets metadata");
        }
        String name = product != null ? product : ref.baseName().toLowerCase(Locale.ROOT);
        return trust.resolve(store, name, ref.tag().get()).manifest();
    }
}
