package dev.updater.pull;

import dev.updater.registry.ReleaseStore;
import dev.updater.release.Release;
import dev.updater.release.ReleaseReader;
import dev.updater.schema.Digest;
import dev.updater.rollout.Urgency;
import dev.updater.schema.TargetPayload;
import dev.updater.schema.tuf.TargetFile;
import dev.updater.signing.SignatureStore;
import dev.updater.signing.TrustPolicy;
import java.util.Optional;

/**
 * The second stage of a device pull, and the only way to get the input of the later ones: a resolved release whose
 * signatures satisfy the policy (when there is one), read and checked (update manifest by digest, every payload a
 * layer). Its constructor is private: the fetch stage cannot be given a release that skipped {@link #verify}. No
 * payload byte has been read when one exists.
 */
public final class VerifiedRelease {
    private final Release release;
    private final ResolvedRelease.Route route;
    private final Optional<String> signatures;
    private final Optional<TargetFile> trustedEntry;

    private VerifiedRelease(Release release, ResolvedRelease.Route route, Optional<String> signatures,
            Optional<TargetFile> trustedEntry) {
        this.release = release;
        this.route = route;
        this.signatures = signatures;
        this.trustedEntry = trustedEntry;
    }

    /**
     * Verifies the signatures of the resolved manifest's digest against {@code policy} (so a tag moved in between
     * cannot slip another release in), then reads the release from those same bytes.
     *
     * @throws dev.updater.signing.SignatureVerificationException when the signatures do not satisfy the policy
     */
    public static VerifiedRelease verify(ReleaseStore store, ResolvedRelease resolved, Optional<TrustPolicy> policy) {
        Digest digest = resolved.manifest().digest();
        Optional<String> signatures = policy.map(p -> new SignatureStore(store).verify(digest, p).summary());
        Release release = ReleaseReader.read(store, resolved.manifest(), resolved.name());
        return new VerifiedRelease(release, resolved.route(), signatures, resolved.trustedEntry());
    }

    public Release release() {
        return release;
    }

    public Digest digest() {
        return release.digest();
    }

    /** The target's payload, or {@link dev.updater.release.UnknownTargetException} naming the ones there are. */
    public TargetPayload target(String id) {
        return release.target(id);
    }

    public ResolvedRelease.Route route() {
        return route;
    }

    /** The signed TUF targets entry that named the release, when it was resolved through TUF. */
    public Optional<TargetFile> trustedEntry() {
        return trustedEntry;
    }

    /** How soon the publisher wants it installed (an annotation covered by the release digest). */
    public Urgency urgency() {
        return Urgency.of(release.manifest());
    }

    /** What the signature check found, when a policy was given. */
    public Optional<String> signatures() {
        return signatures;
    }

    @Override
    public String toString() {
        return release.update().product() + " " + release.update().version() + " (" + release.digest().shortForm()
                + ", " + route.name().toLowerCase(java.util.Locale.ROOT)
                + signatures.map(s -> ", " + s).orElse("") + ")";
    }
}
