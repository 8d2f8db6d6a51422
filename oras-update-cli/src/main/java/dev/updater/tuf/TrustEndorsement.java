package dev.updater.tuf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.LocalFileException;
import dev.updater.publish.PublishResult;
import dev.updater.publish.ReleasePublication;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.VerifiedManifest;
import dev.updater.rollout.RolloutRequest;
import dev.updater.schema.tuf.Root;
import dev.updater.schema.tuf.SnapshotMetadata;
import dev.updater.schema.tuf.Targets;
import dev.updater.schema.tuf.Timestamp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A release's entries in the repository's TUF targets ({@code PRODUCT/VERSION}, {@code PRODUCT/channels/CHANNEL}),
 * then new snapshot and timestamp versions, as one step of a {@link ReleasePublication}. The keys are loaded and
 * matched against the repository's current root, and its trust metadata downloaded and verified, when this is
 * created — before the release is uploaded.
 */
public final class TrustEndorsement implements ReleasePublication.Endorsement {
    private final ReleaseStore store;
    private final List<String> channels;
    private final TufSigningKey targets;
    private final TufSigningKey snapshot;
    private final TufSigningKey timestamp;
    private final Path dir;
    private final boolean temporary;
    private final OciTrustMirror mirror;
    private final RepositoryPublisher publisher;
    private final Optional<RolloutRequest> rollout;
    private List<String> added = List.of();

    /**
     * @param keysDir {@code targets.pem}, {@code snapshot.pem}, {@code timestamp.pem} as {@code update trust init}
     *     wrote them
     * @param workingCopy where to keep the working copy of the metadata (default: a temporary directory)
     */
    public TrustEndorsement(ReleaseStore store, Path keysDir, Optional<Path> workingCopy, List<String> channels) {
        this(store, keysDir, workingCopy, channels, Optional.empty());
    }

    /** @param rollout the rollout policy signed into each channel's entry (none: the release is for every device) */
    public TrustEndorsement(ReleaseStore store, Path keysDir, Optional<Path> workingCopy, List<String> channels,
            Optional<RolloutRequest> rollout) {
        this.store = store;
        this.channels = List.copyOf(channels);
        this.rollout = rollout;
        if (!OciTrustMirror.hasTrust(store)) {
            throw new TrustStateException(store.describe() + " has no TUF metadata (no tag tuf-root.1); create it "
                    + "with 'update trust init --registry REF --repo DIR --keys " + keysDir + "'");
        }
        this.targets = TufSigningKey.read(keysDir.resolve("targets.pem"));
        this.snapshot = TufSigningKey.read(keysDir.resolve("snapshot.pem"));
        this.timestamp = TufSigningKey.read(keysDir.resolve("timestamp.pem"));
        this.temporary = workingCopy.isEmpty();
        try {
            this.dir = workingCopy.isPresent() ? workingCopy.get() : Files.createTempDirectory("update-trust-");
        } catch (IOException e) {
            throw new LocalFileException("cannot create the TUF working copy", e);
        }
        this.publisher = new RepositoryPublisher(dir, Clock.systemUTC());
        this.mirror = new OciTrustMirror(store);
        try {
            mirror.download(publisher.metadataDir());
            Root root = publisher.currentRoot().signed();
            requireListed(root, Targets.TYPE, targets, keysDir);
            requireListed(root, SnapshotMetadata.TYPE, snapshot, keysDir);
            requireListed(root, Timestamp.TYPE, timestamp, keysDir);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A key the root does not list for its role would sign metadata every device refuses: refuse it up front. */
    private void requireListed(Root root, String role, TufSigningKey key, Path keysDir) {
        if (!root.role(role).keyIds().contains(key.keyId())) {
            throw new TufKeyFileException(keysDir.resolve(role + ".pem"), "is not a " + role + " key of "
                    + store.describe() + " (its root version " + root.version() + " lists key id(s) "
                    + String.join(", ", root.role(role).keyIds()) + ", this is " + key.keyId() + "); nothing was "
                    + "uploaded: give the --trust-keys directory of this repository");
        }
    }

    /** Everything was checked when this was created. */
    @Override
    public void check() {}

    /**
     * A promotion signs channel entries for the release the signed targets already list under its version: a
     * version tag moved to another manifest is refused, nothing is signed.
     */
    @Override
    public void checkExisting(PublishResult existing) {
        String path = ReleaseTargets.versionPath(existing.update().product(), existing.update().version());
        Optional<String> signed = publisher.targetEntry(path).map(e -> e.path("hashes").path("sha256").asText());
        if (signed.isEmpty() || !signed.get().equals(existing.digest().hex())) {
            close();
            throw new UntrustedReleaseException("the signed TUF targets of " + store.describe() + " list "
                    + (signed.isEmpty() ? "no '" + path + "'" : "'" + path + "' as sha256:" + signed.get())
                    + ", but its version tag names " + existing.digest() + "; nothing was changed. Promote only "
                    + "releases pushed with --trust-keys, and check who moved the tag");
        }
    }

    @Override
    public void endorse(PublishResult staged) {
        VerifiedManifest manifest = store.fetchManifest(staged.digest().toString());
        var entries = ReleaseTargets.entriesFor(staged.update().product(), staged.update().version(), manifest,
                staged.update().sortedTargets().keySet(), channels);
        rollout.ifPresent(r -> {
            for (String channel : channels) {
                ObjectNode custom = (ObjectNode) entries.get(ReleaseTargets.channelPath(staged.update().product(),
                        channel)).get("custom");
                custom.set("rollout", r.policyFor(staged.digest()).toJson());
            }
        });
        try {
            publisher.addTargets(entries, targets, snapshot, timestamp);
            mirror.upload(publisher.metadataDir());
        } finally {
            close();
        }
        added = List.copyOf(entries.keySet());
    }

    /** The target paths {@link #endorse} signed into targets. */
    public List<String> addedTargets() {
        return added;
    }

    private void close() {
        if (!temporary) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
