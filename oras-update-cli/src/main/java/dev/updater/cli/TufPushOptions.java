package dev.updater.cli;

import dev.updater.registry.ReleaseStore;
import dev.updater.tuf.OciTrustMirror;
import dev.updater.tuf.TrustEndorsement;
import dev.updater.tuf.TrustStateException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code update push --trust-keys}: list the release in the repository's TUF targets, then snapshot and timestamp. */
public final class TufPushOptions {
    @Option(names = "--trust-keys", paramLabel = "KEYDIR",
            description = "TUF keys (targets.pem, snapshot.pem, timestamp.pem, as 'update trust init' made them): "
                    + "list the release in the repository's signed targets as PRODUCT/VERSION and "
                    + "PRODUCT/channels/CHANNEL, with new snapshot and timestamp versions, before its tags move. The "
                    + "keys are checked against the repository's root before anything is uploaded. The repository "
                    + "must have trust ('update trust init --registry').")
    Path keys;

    @Option(names = "--trust-repo", paramLabel = "DIR",
            description = "With --trust-keys: keep the working copy of the trust metadata here (default: a temporary "
                    + "directory; the repository is the source of truth either way).")
    Path workingCopy;

    @Option(names = "--no-trust",
            description = "Publish to a repository that has TUF trust without listing the release in its signed "
                    + "targets. Devices that use trust will not see such a release.")
    boolean noTrust;

    /**
     * The trust step of a push, checked now (keys loaded and matched against the repository's root, trust metadata
     * verified) so that nothing is uploaded when it would fail; empty without --trust-keys, when a repository with
     * trust is refused unless --no-trust says so.
     */
    Optional<TrustEndorsement> prepare(ReleaseStore store, List<String> channels) {
        return prepare(store, channels, Optional.empty());
    }

    /** As {@link #prepare(ReleaseStore, List)}, signing {@code rollout} into each channel's entry. */
    Optional<TrustEndorsement> prepare(ReleaseStore store, List<String> channels,
            Optional<dev.updater.rollout.RolloutRequest> rollout) {
        if (keys == null) {
            if (workingCopy != null) throw new UsageException("--trust-repo needs --trust-keys");
            if (!noTrust && OciTrustMirror.hasTrust(store)) {
                throw new TrustStateException(store.describe() + " has TUF trust metadata, so devices that use it "
                        + "would ignore a release its signed targets do not list; nothing was uploaded. Give "
                        + "--trust-keys KEYDIR to list it, or --no-trust to publish it without");
            }
            return Optional.empty();
        }
        if (noTrust) throw new UsageException("--no-trust and --trust-keys contradict each other: give one");
        return Optional.of(new TrustEndorsement(store, keys, Optional.ofNullable(workingCopy), channels, rollout));
    }
}
