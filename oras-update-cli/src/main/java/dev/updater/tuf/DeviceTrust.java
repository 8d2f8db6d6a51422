package dev.updater.tuf;

import dev.updater.registry.ReleaseStore;
import dev.updater.registry.VerifiedManifest;
import dev.updater.schema.Digest;
import dev.updater.schema.tuf.LengthOrHashMismatchException;
import dev.updater.schema.tuf.Metadata;
import dev.updater.schema.tuf.MetadataLimits;
import dev.updater.schema.tuf.Root;
import dev.updater.schema.tuf.TargetFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A device's TUF state for one release repository: the directory of trusted metadata (pinned by
 * {@link #bootstrap}) and the resolution of a version or channel to a release digest through signed targets only.
 */
public final class DeviceTrust {
    private final Path metadataDir;
    private final Clock clock;

    public DeviceTrust(Path metadataDir, Clock clock) {
        this.metadataDir = metadataDir;
        this.clock = clock;
    }

    /** Where an install root keeps its trusted metadata. */
    public static Path dirForInstallRoot(Path installRoot) {
        return installRoot.resolve(".updater").resolve("tuf");
    }

    /** Where a pull state directory (pulls with --output) keeps its trusted metadata. */
    public static Path dirForStateDir(Path stateDir) {
        return stateDir.resolve("tuf");
    }

    public Path metadataDir() {
        return metadataDir;
    }

    public boolean isBootstrapped() {
        return Files.isRegularFile(new TrustedMetadataStore(metadataDir).fileOf(Root.TYPE));
    }

    /**
     * Pins {@code rootBytes} as the first trusted root after checking that it is a root signed by its own threshold
     * (it may be old: the next pull walks the chain of newer roots from it).
     */
    public Metadata<Root> bootstrap(byte[] rootBytes, boolean replace) {
        Metadata<Root> root = Metadata.root(rootBytes);
        root.signed().verifyDelegate(Root.TYPE, root);
        if (isBootstrapped() && !replace) {
            throw new TrustStateException("trust is already bootstrapped in " + metadataDir + "; pass --force to pin "
                    + "another root (the device then forgets what it trusted)");
        }
        TrustedMetadataStore store = new TrustedMetadataStore(metadataDir);
        if (replace) {
            for (String role : new String[] {"timestamp", "snapshot", "targets"}) store.delete(role);
        }
        store.write(Root.TYPE, rootBytes);
        return root;
    }

    /** A release resolved through signed metadata: its digest and the target entry that vouches for it. */
    /** A release the signed targets vouch for, with its manifest bytes (already checked: no need to fetch again). */
    public record TrustedRelease(Digest digest, String targetPath, TargetFile target, VerifiedManifest manifest) {}

    /**
     * Refreshes trust (root chain, timestamp, snapshot, targets) from the repository, looks up the target path the
     * tag stands for, fetches that release manifest by the signed sha256 and checks its length and hashes.
     */
    public TrustedRelease resolve(ReleaseStore store, String product, String tag) {
        TufClient updater = new TufClient(metadataDir, new OciMetadataFetcher(store), clock, MetadataLimits.DEFAULTS);
        updater.refresh();
        String path = ReleaseTargets.pathForTag(product, tag);
        TargetFile target = updater.getTargetInfo(path).orElseThrow(() -> new UntrustedReleaseException(
                "the signed TUF targets of " + store.describe() + " list no release '" + path + "' (product '"
                        + product + "', " + (path.contains("/channels/") ? "channel" : "version") + " '" + tag
                        + "'); tags are not trusted on their own: the publisher must push it with 'update push "
                        + "--trust-keys', or give the right product with --product"));
        String sha256 = target.hashes().get(Digest.ALGORITHM);
        if (sha256 == null || !Digest.isValid(Digest.ALGORITHM + ":" + sha256)) {
            throw new LengthOrHashMismatchException("target '" + path + "'", "it lists no sha256, which names the "
                    + "release manifest in the repository");
        }
        Digest digest = Digest.parse(Digest.ALGORITHM + ":" + sha256);
        VerifiedManifest manifest = store.fetchManifest(digest.toString());
        target.verifyLengthAndHashes(manifest.bytes());
        return new TrustedRelease(digest, path, target, manifest);
    }
}
