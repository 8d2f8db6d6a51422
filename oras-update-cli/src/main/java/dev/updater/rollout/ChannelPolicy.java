package dev.updater.rollout;

/**
 * What a device found about the rollout of the release its channel points at, before deciding: no policy (the
 * release is for every device, as before rollouts existed), a policy signed as the device's trust requires, or one
 * that was present but is not signed as required — which is ignored and acts as a halted rollout, never trusted.
 */
public sealed interface ChannelPolicy {
    /** No rollout policy: every device may install the release. */
    record None() implements ChannelPolicy {}

    /** A policy signed as required. */
    record Signed(RolloutPolicy policy, String signedBy) implements ChannelPolicy {
        public Signed {
            if (policy == null || signedBy == null) throw new IllegalArgumentException("a policy and its signer");
        }
    }

    /** A policy that is not signed as required (or is malformed): a warning, and no device installs. */
    record Ignored(String why) implements ChannelPolicy {
        public Ignored {
            if (why == null || why.isBlank()) throw new IllegalArgumentException("say why it is ignored");
        }
    }

    ChannelPolicy NONE = new None();
}
