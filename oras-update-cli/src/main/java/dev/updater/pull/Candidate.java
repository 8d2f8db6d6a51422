package dev.updater.pull;

import dev.updater.rollout.ChannelPolicy;
import dev.updater.rollout.Urgency;
import dev.updater.schema.Digest;
import dev.updater.schema.SemVer;
import dev.updater.schema.TargetPayload;

/**
 * What a rollout decision needs to know of a verified release and its channel's policy: version, release and
 * payload digests, urgency and policy. Made from a {@link VerifiedRelease} (or read back from the poll cache, which
 * only ever stores what one said), so it never carries anything unverified.
 */
public record Candidate(SemVer version, Digest release, String target, Digest payload, Urgency urgency,
        ChannelPolicy policy) {
    public Candidate {
        if (version == null || release == null || target == null || payload == null || urgency == null
                || policy == null) {
            throw new IllegalArgumentException("every part of a candidate is required");
        }
    }

    public static Candidate of(VerifiedRelease release, String target, ChannelPolicy policy) {
        TargetPayload payload = release.target(target);
        return new Candidate(release.release().update().version(), release.digest(), target, payload.digest(),
                release.urgency(), policy);
    }
}
