package dev.updater.rollout;

import dev.updater.schema.Digest;
import java.time.Instant;
import java.util.Optional;

/** What a release engineer asks for: a percentage, optionally a salt (default: the release digest) and a start. */
public record RolloutRequest(double percent, Optional<String> salt, Optional<Instant> start) {
    public RolloutRequest {
        if (salt == null || start == null) throw new IllegalArgumentException("a salt and a start, or none");
        new RolloutPolicy(percent, salt.orElse("x"), start); // validates the percentage and the salt
    }

    /** The policy for {@code release}: the salt defaults to its digest, so each release samples a fresh cohort. */
    public RolloutPolicy policyFor(Digest release) {
        return new RolloutPolicy(percent, salt.orElse(release.toString()), start);
    }
}
