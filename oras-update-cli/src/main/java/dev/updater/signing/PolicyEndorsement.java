package dev.updater.signing;

import dev.updater.rollout.RolloutRequest;
import dev.updater.publish.PublishResult;
import dev.updater.publish.ReleasePublication;
import dev.updater.registry.ReleaseStore;
import java.util.List;
import java.util.Optional;

/**
 * A release's rollout policy artifact (repositories without TUF trust) as one step of a {@link ReleasePublication}:
 * written and signed before the channel tags move, so no device ever sees the channel on the release without the
 * rollout that was meant for it.
 */
public final class PolicyEndorsement implements ReleasePublication.Endorsement {
    private final PolicyArtifactPublisher publisher;
    private final List<String> channels;
    private final RolloutRequest request;
    private final Optional<SigningKey> key;
    private final String dockerReference;

    public PolicyEndorsement(ReleaseStore store, List<String> channels, RolloutRequest request,
            Optional<SigningKey> key, String dockerReference) {
        this.publisher = new PolicyArtifactPublisher(store);
        this.channels = List.copyOf(channels);
        this.request = request;
        this.key = key;
        this.dockerReference = dockerReference;
    }

    /** The key was loaded when this was created. */
    @Override
    public void check() {}

    @Override
    public void endorse(PublishResult staged) {
        for (String channel : channels) {
            publisher.publish(staged.digest(), channel, request.policyFor(staged.digest()), key, dockerReference);
        }
    }
}
