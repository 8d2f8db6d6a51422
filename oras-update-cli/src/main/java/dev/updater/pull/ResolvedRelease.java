package dev.updater.pull;

import dev.updater.registry.ReleaseStore;
import dev.updater.registry.VerifiedManifest;
import dev.updater.schema.Digest;
import dev.updater.schema.tuf.TargetFile;
import dev.updater.tuf.DeviceTrust;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * The first stage of a device pull: which release manifest the request names. With a TUF root pinned on the device it
 * is the manifest the signed targets list for the version or channel (length and sha256 checked); otherwise the one
 * the tag or digest names in the store (bytes hashed by the store). Only {@link #resolve} creates one, so a later
 * stage cannot be handed a manifest that skipped the TUF lookup the device's trust requires.
 */
public final class ResolvedRelease {
    /** How the manifest was found. */
    public enum Route {
        /** A tag resolved by the store: trusted only as far as its signatures are. */
        TAG,
        /** A digest given by the caller. */
        DIGEST,
        /** The signed TUF targets named it. */
        TUF
    }

    private final VerifiedManifest manifest;
    private final String name;
    private final Route route;
    private final Optional<TargetFile> trustedEntry;

    private ResolvedRelease(VerifiedManifest manifest, String name, Route route, Optional<TargetFile> trustedEntry) {
        this.manifest = manifest;
        this.name = name;
        this.route = route;
        this.trustedEntry = trustedEntry;
    }

    public static ResolvedRelease resolve(ReleaseStore store, DevicePull request) {
        DevicePull.Tuf tuf = request.tuf();
        DeviceTrust trust = new DeviceTrust(tuf.trustDir(), Clock.systemUTC());
        if (!trust.isBootstrapped()) {
            if (tuf.required()) {
                throw new PullRequestException("--tuf: no trusted root pinned in " + tuf.trustDir() + "; run 'update"
                        + " trust bootstrap ROOT.json' with the same --install-root or --state-dir first");
            }
            if (tuf.product().isPresent()) {
                throw new PullRequestException("--product applies to pulls with TUF trust only");
            }
            return new ResolvedRelease(store.fetchManifest(request.release()), request.release(),
                    isDigest(request.release()) ? Route.DIGEST : Route.TAG, Optional.empty());
        }
        if (isDigest(request.release())) {
            throw new PullRequestException("with TUF trust, pull a version or channel (REPO:TAG), not a digest: the "
                    + "digest is taken from the signed targets metadata");
        }
        String product = tuf.product().orElse(request.repository().baseName().toLowerCase(Locale.ROOT));
        DeviceTrust.TrustedRelease trusted = trust.resolve(store, product, request.release());
        return new ResolvedRelease(trusted.manifest(), request.release(), Route.TUF, Optional.of(trusted.target()));
    }

    private static boolean isDigest(String release) {
        return release.startsWith(Digest.ALGORITHM + ":");
    }

    VerifiedManifest manifest() {
        return manifest;
    }

    /** The tag or digest as the request gave it, for messages. */
    public String name() {
        return name;
    }

    public Route route() {
        return route;
    }

    /** The signed TUF targets entry that named the release (its custom fields hold the channel's rollout). */
    public Optional<TargetFile> trustedEntry() {
        return trustedEntry;
    }

    @Override
    public String toString() {
        return name + " -> " + manifest.digest() + " (" + route.name().toLowerCase(Locale.ROOT) + ")";
    }
}
