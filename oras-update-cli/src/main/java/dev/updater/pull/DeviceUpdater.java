package dev.updater.pull;

import dev.updater.release.PayloadFetcher;
import dev.updater.install.InstallResult;
import dev.updater.install.Installer;
import dev.updater.install.PayloadSource;
import dev.updater.install.PayloadKind;
import dev.updater.registry.ReleaseStore;
import dev.updater.rollout.ChannelPolicy;
import dev.updater.schema.TargetPayload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The device's use case, one pipeline: <em>resolve</em> ({@link ResolvedRelease}: by tag, by digest, or through the
 * pinned TUF root) → <em>verify</em> ({@link VerifiedRelease}: the signature policy, then the release read and
 * checked) → <em>plan</em> ({@link FetchPlan}, pure: full or patch, which base, what to install) → <em>fetch</em>
 * ({@link PullEngine}, into the file or the download area it is lent) → <em>install</em> ({@link Installer}). Each
 * stage accepts only the previous one's output, so no path skips verification. The caller loads the keys (in the
 * {@link DevicePull}) before it locks the install root or opens the store.
 */
public final class DeviceUpdater {
    private final ReleaseStore store;
    private final PullOptions options;

    public DeviceUpdater(ReleaseStore store, PullOptions options) {
        this.store = store;
        this.options = options;
    }

    /** A pull to a plain file: nothing is installed; the file appears only once every check passed. */
    public PullResult pullToFile(DevicePull request, Path output) {
        VerifiedRelease release = VerifiedRelease.verify(store, ResolvedRelease.resolve(store, request),
                request.signatures());
        FetchPlan plan = FetchPlan.plan(release, request.target(), request.base().map(BaseFile::examine));
        PullResult.Fetch fetch = new PullEngine(store, options).fetch(plan, output);
        TargetPayload payload = plan.payload();
        return new PullResult(release.digest(), release.release().update().product(),
                release.release().update().version(), request.target(), payload.digest(), payload.size(), fetch,
                output);
    }

    /** What an install did: the release, the installer's result, and how the payload was fetched (if it was). */
    public record Installed(VerifiedRelease release, InstallResult result, Optional<PullResult.Fetch> fetch) {}

    /** A verified release and what the rollout stage decided about it for this device. */
    public record Decided(VerifiedRelease release, UpdateDecision decision) {}

    /**
     * Resolve, verify, read the channel's policy (signed as the device's trust requires) and decide: everything a
     * check does, with no payload byte read.
     */
    public Decided decide(DevicePull request, DeviceContext device) {
        return decide(request, device, ResolvedRelease.resolve(store, request));
    }

    /** {@link #decide(DevicePull, DeviceContext)} of a release already resolved for {@code request}. */
    Decided decide(DevicePull request, DeviceContext device, ResolvedRelease resolved) {
        VerifiedRelease release = VerifiedRelease.verify(store, resolved, request.signatures());
        ChannelPolicy policy = ChannelPolicies.read(store, release, request.channel(), request.signatures());
        return new Decided(release, UpdateDecision.decide(release, request.target(), policy, device));
    }

    /**
     * Downloads and verifies the decided release's payload into the download area, where the install inside the
     * window finds it complete and downloads nothing; returns its size.
     */
    public long prefetch(Decided decided, String target) {
        TargetPayload payload = decided.release().target(target);
        new PayloadFetcher(store, options.downloadsDir(), options.stallMillis(), options.listener()).prefetch(payload, "prefetch " + target);
        return payload.size();
    }

    /**
     * Installs the requested target with {@code installer} (already open: it recovered and holds the lock). The
     * base of a patch is {@code --base} when given, else the current version's file of the same name.
     */
    public Installed install(Installer installer, DevicePull request) {
        return install(installer, request, VerifiedRelease.verify(store, ResolvedRelease.resolve(store, request),
                request.signatures()));
    }

    /** Installs a release already verified (and decided on) for {@code request}. */
    public Installed install(Installer installer, DevicePull request, VerifiedRelease release) {
        TargetPayload payload = release.target(request.target());
        Optional<Path> base = request.base().or(() -> installedFile(installer, payload));
        FetchPlan plan = FetchPlan.plan(release, request.target(), base.map(BaseFile::examine));
        PullEngine engine = new PullEngine(store, options);
        PullResult.Fetch[] fetch = new PullResult.Fetch[1];
        // The engine hashes every byte as it downloads (or patches) and moves the file into place only when it matches.
        InstallResult result = installer.install(plan.installRequest(),
                PayloadSource.checkedWhileWriting(lent -> fetch[0] = engine.fetch(plan, lent)));
        // the installer returns only once the version is current (installed, or already current with this digest)
        InstalledRelease.of(release, request.target()).write(installer.layout().stateDir());
        return new Installed(release, result, Optional.ofNullable(fetch[0]));
    }

    /** The current version's file of the same name: what a patch to the new version most likely starts from. */
    private static Optional<Path> installedFile(Installer installer, TargetPayload payload) {
        if (FetchPlan.kindOf(payload) != PayloadKind.FILE) return Optional.empty();
        return installer.status().currentVersion()
                .map(v -> installer.layout().versionDir(v).resolve(payload.fileName()))
                .filter(Files::isRegularFile);
    }
}
