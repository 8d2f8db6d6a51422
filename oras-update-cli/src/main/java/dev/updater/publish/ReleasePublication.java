package dev.updater.publish;

import dev.updater.registry.NotFoundException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.TransferListener;
import dev.updater.release.ReleaseReader;
import dev.updater.schema.SemVer;
import java.util.List;
import java.util.Optional;

/**
 * One push as a transaction, in the only order that never shows a device an incomplete release:
 * <ol>
 *   <li><b>check</b>: each endorsement checks its keys and the repository's trust, and no channel would move to a
 *       lower version than it has (unless allowed) — before one byte is uploaded;</li>
 *   <li><b>stage</b>: blobs, patches, update manifest, and the release manifest by digest ({@link Publisher});</li>
 *   <li><b>endorse</b>: its signatures and TUF entries, in the order given;</li>
 *   <li><b>tags</b>: only then the version tag and the channel tags move.</li>
 * </ol>
 * A failure or a kill at any step leaves every tag where it was; what was staged (blobs, an untagged manifest) is
 * harmless and a re-run completes the push. {@link #promote} is the same transaction for a release that is already
 * published: nothing is staged.
 */
public final class ReleasePublication {
    /**
     * Something a release must have before its tags move, such as a signature or a TUF targets entry. {@link #check}
     * runs before anything is uploaded and refuses the push by throwing; {@link #endorse} runs on the staged release.
     */
    public interface Endorsement {
        void check();

        /**
         * For a promotion, before anything is written: the existing release is the one this endorsement vouches for
         * (its signature, its signed version entry), so a version tag moved by someone else is not promoted.
         */
        default void checkExisting(PublishResult existing) {}

        void endorse(PublishResult staged);
    }

    /** Choices of the publisher that loosen the checks. */
    public record Policy(boolean allowChannelDowngrade) {
        public static final Policy DEFAULT = new Policy(false);
    }

    private final ReleaseStore store;
    private final Publisher publisher;

    public ReleasePublication(ReleaseStore store, TransferListener listener) {
        this.store = store;
        this.publisher = new Publisher(store, listener);
    }

    public PublishResult publish(PublishRequest request, Policy policy, List<Endorsement> endorsements) {
        for (Endorsement e : endorsements) e.check();
        if (!policy.allowChannelDowngrade()) {
            for (String channel : request.channels()) refuseDowngrade(channel, request.version());
        }
        PublishResult staged = publisher.stage(request);
        for (Endorsement e : endorsements) e.endorse(staged);
        publisher.moveTags(staged);
        return staged;
    }

    /**
     * Moves {@code channels} to the release already published as {@code version}, in the same order as a push but
     * with nothing to upload: check, then endorse (signature, TUF entries), then the channel tags.
     *
     * @throws NotFoundException when the version is not published
     */
    public PublishResult promote(SemVer version, List<String> channels, Policy policy,
            List<Endorsement> endorsements) {
        for (Endorsement e : endorsements) e.check();
        if (!policy.allowChannelDowngrade()) {
            for (String channel : channels) refuseDowngrade(channel, version);
        }
        PublishResult existing = publisher.existing(version, channels);
        for (Endorsement e : endorsements) e.checkExisting(existing);
        for (Endorsement e : endorsements) e.endorse(existing);
        publisher.moveTags(existing);
        return existing;
    }

    private void refuseDowngrade(String channel, SemVer version) {
        Optional<SemVer> current = currentVersion(channel);
        if (current.isPresent() && current.get().compareTo(version) > 0) {
            throw new VersionConflictException("channel '" + channel + "' of " + store.describe() + " is at version "
                    + current.get() + "; moving it to " + version + " would take its devices back (most refuse a "
                    + "downgrade anyway); nothing was uploaded. Pass --allow-channel-downgrade to move it all the "
                    + "same, e.g. to withdraw a bad release");
        }
    }

    private Optional<SemVer> currentVersion(String channel) {
        try {
            return Optional.of(ReleaseReader.read(store, channel).update().version());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }
}
