package dev.updater.pull;

import dev.updater.registry.ReleaseStore;
import dev.updater.rollout.ChannelPolicy;
import dev.updater.rollout.PolicyArtifact;
import dev.updater.rollout.Urgency;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.Digest;
import dev.updater.schema.tuf.Metadata;
import dev.updater.schema.tuf.Root;
import dev.updater.schema.tuf.Signed;
import dev.updater.signing.TrustPolicy;
import dev.updater.tuf.DeviceTrust;
import dev.updater.tuf.OciMetadataLayout;
import dev.updater.tuf.TrustedMetadataStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A check that costs almost nothing when nothing changed, for fleets that poll often: registries count manifest
 * GETs as pulls, so an idle poll sends only HEADs and compares the digests they claim with the ones the last full
 * check saw (kept by {@link PollCache}). Without TUF: one HEAD of the tag, plus one of the release's policy artifact
 * when the device is not on the release (the rollout may have widened). With TUF: the root probe (is there a root
 * N+1?) and one HEAD of {@code tuf-timestamp}, and only while every locally trusted role is unexpired, so a frozen
 * registry cannot hide an expiry. Anything else — a changed digest, a new root, no or a damaged cache — runs the
 * full pipeline ({@link DeviceUpdater#decide}) and caches its result. A lying HEAD can only withhold an update,
 * which a registry can do anyway; it can never make the device install anything.
 */
public final class CheapPoll {
    private final ReleaseStore store;
    private final DeviceUpdater updater;
    private final PollCache cache;
    private final java.nio.file.Path stateDir;

    public CheapPoll(ReleaseStore store, DeviceUpdater updater, java.nio.file.Path stateDir) {
        this.store = store;
        this.updater = updater;
        this.cache = new PollCache(stateDir);
        this.stateDir = stateDir;
    }

    /** A decision and whether the cache answered it (a hit read no manifest and no blob). */
    public record Polled(UpdateDecision decision, boolean cacheHit) {}

    /**
     * What the probes found: the cache key, the digest the store claims now for the polled tag (empty: no answer
     * from the cache is possible), and the cache's decision when nothing changed.
     */
    public record Probe(String key, Optional<Digest> claimed, boolean tuf, Optional<UpdateDecision> hit) {}

    /** The check: the cache's answer when nothing changed, else the full pipeline (whose result is cached). */
    public Polled decide(DevicePull request, DeviceContext device) {
        Probe probe = probe(request, device);
        if (probe.hit().isPresent()) return new Polled(probe.hit().get(), true);
        // Each tag is probed before it is read, so a change in between shows up as a miss next time, never as a
        // stale hit.
        ResolvedRelease resolved = ResolvedRelease.resolve(store, request);
        Optional<InstalledRelease> installed = InstalledRelease.read(stateDir, device.current())
                .filter(i -> i.release().equals(resolved.manifest().digest()) && i.target().equals(request.target()));
        if (installed.isEmpty()) {
            return new Polled(decideAndRemember(probe, request, device, resolved).decision(), false);
        }
        // The tag or the signed targets name the very release this device installed (verified then, signatures and
        // all): up to date, without reading its update manifest, policy or signatures again. What this candidate
        // lacks (the policy) can only ever answer up-to-date; the cache entry says so.
        InstalledRelease i = installed.get();
        Candidate candidate = new Candidate(i.version(), i.release(), i.target(), i.payload(),
                Urgency.of(ImageManifest.parse(resolved.manifest().bytes())), ChannelPolicy.NONE);
        UpdateDecision decision = UpdateDecision.decide(candidate, device);
        remember(probe, Optional.of(""), candidate, false);
        return new Polled(decision, false);
    }

    /** Sends the probes and compares them with the cache: at most one request without TUF, two with. */
    public Probe probe(DevicePull request, DeviceContext device) {
        Instant now = device.clock().instant();
        DeviceTrust trust = new DeviceTrust(request.tuf().trustDir(), device.clock());
        boolean tuf = trust.isBootstrapped();
        String key = PollCache.keyOf(store.describe(), request.release(), request.target(), tuf ? "tuf" : "tag",
                request.tuf().product().orElse(""), request.signatures().map(TrustPolicy::describe).orElse(""));
        Optional<Digest> probe = tuf ? probeTrust(request.tuf().trustDir(), now) : store.probe(request.release());
        Optional<PollCache.Entry> cached = cache.read(key);
        if (probe.isPresent() && cached.isPresent() && cached.get().probe().equals(probe.get())
                && (cached.get().complete() || answersUpToDate(cached.get().candidate(), device))) {
            Candidate candidate = cached.get().candidate();
            UpdateDecision decision = UpdateDecision.decide(candidate, device);
            boolean policyMayHaveChanged = !tuf && request.channel().isPresent()
                    && decision.status() != UpdateDecision.Status.UP_TO_DATE;
            if (!policyMayHaveChanged || policyProbe(candidate.release()).equals(cached.get().policyProbe())) {
                return new Probe(key, probe, tuf, Optional.of(decision));
            }
        }
        return new Probe(key, probe, tuf, Optional.empty());
    }

    /** The full pipeline after a missed {@code probe}, its result cached for the next poll. */
    public DeviceUpdater.Decided decideAndRemember(Probe probe, DevicePull request, DeviceContext device) {
        return decideAndRemember(probe, request, device, ResolvedRelease.resolve(store, request));
    }

    private DeviceUpdater.Decided decideAndRemember(Probe probe, DevicePull request, DeviceContext device,
            ResolvedRelease resolved) {
        // Without TUF the tag's claimed digest is the release digest, whose policy tag is known now: probed before
        // the policy stage reads it.
        Optional<String> policyBefore = !probe.tuf() && request.channel().isPresent()
                ? probe.claimed().map(this::policyProbe) : Optional.of("");
        DeviceUpdater.Decided decided = updater.decide(request, device, resolved);
        remember(probe, policyBefore, decided.decision().candidate(), true);
        return decided;
    }

    private void remember(Probe probe, Optional<String> policyBefore, Candidate candidate, boolean complete) {
        boolean consistent = probe.tuf() || probe.claimed().map(candidate.release()::equals).orElse(false);
        if (probe.claimed().isPresent() && policyBefore.isPresent() && consistent) {
            cache.write(probe.key(), new PollCache.Entry(probe.claimed().get(), policyBefore.get(), candidate,
                    complete));
        }
    }

    /** An entry known only to be the installed release may answer nothing but up-to-date. */
    private static boolean answersUpToDate(Candidate candidate, DeviceContext device) {
        return UpdateDecision.decide(candidate, device).status() == UpdateDecision.Status.UP_TO_DATE;
    }

    private String policyProbe(Digest release) {
        return store.probe(PolicyArtifact.tagFor(release)).map(Digest::toString).orElse("");
    }

    /**
     * The timestamp's claimed digest, or empty when a full refresh is due anyway: a local role expired or a newer
     * root exists.
     */
    private Optional<Digest> probeTrust(java.nio.file.Path trustDir, Instant now) {
        TrustedMetadataStore local = new TrustedMetadataStore(trustDir);
        long rootVersion;
        try {
            Metadata<Root> root = Metadata.root(local.read(Root.TYPE).orElseThrow());
            rootVersion = root.signed().version();
            for (String role : List.of("root", "timestamp", "snapshot", "targets")) {
                Optional<byte[]> bytes = local.read(role);
                if (bytes.isEmpty()) return Optional.empty();
                Signed signed = Metadata.any(bytes.get()).signed();
                if (signed.isExpired(now)) return Optional.empty();
            }
        } catch (RuntimeException e) {
            return Optional.empty(); // whatever is wrong locally, the full refresh says it properly
        }
        if (store.probe(OciMetadataLayout.tagFor(Root.TYPE, OptionalLong.of(rootVersion + 1))).isPresent()) {
            return Optional.empty();
        }
        return store.probe(OciMetadataLayout.tagFor("timestamp", OptionalLong.empty()));
    }
}
