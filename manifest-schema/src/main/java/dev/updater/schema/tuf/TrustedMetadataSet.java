package dev.updater.schema.tuf;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What has been verified so far in one run of the specification's client workflow (section 5), bytes in, no I/O.
 *
 * <p>Metadata must be offered in workflow order: {@link #updateRoot} (any number of times, version by version),
 * then {@link #updateTimestamp}, {@link #updateSnapshot}, {@link #updateTargets} and
 * {@link #updateDelegatedTargets}. Each method does every check the specification lists for that role and either
 * accepts the metadata or throws a {@link TufVerificationException} (or {@link dev.updater.schema.ManifestFormatException}
 * for malformed metadata) leaving the set as it was. Offering metadata out of order is a programming error
 * ({@link IllegalStateException}).
 *
 * <p>Expiry is judged against one reference time taken from the clock when the set is created, so one refresh sees
 * one consistent "now".
 */
public final class TrustedMetadataSet {
    private final Instant now;
    private final MetadataLimits limits;
    private final Metadata<Root> initialRoot;
    private Metadata<Root> root;
    private Metadata<Timestamp> timestamp;
    private Metadata<SnapshotMetadata> snapshot;
    /** Verified targets metadata by the delegation chain it was verified on (see {@link TrustedTargets}). */
    private final Map<List<String>, TrustedTargets> targets = new LinkedHashMap<>();

    /**
     * Starts from a root the caller already trusts (stored locally, or pinned at bootstrap). It must be signed by its
     * own root threshold; it may be expired (a newer root may follow).
     */
    public TrustedMetadataSet(byte[] trustedRoot, Clock clock, MetadataLimits limits) {
        this.now = clock.instant();
        this.limits = limits;
        checkSize(Root.TYPE, trustedRoot);
        Metadata<Root> loaded = Metadata.root(trustedRoot);
        loaded.signed().verifyDelegate(Root.TYPE, loaded);
        this.root = loaded;
        this.initialRoot = loaded;
    }

    public TrustedMetadataSet(byte[] trustedRoot, Clock clock) {
        this(trustedRoot, clock, MetadataLimits.DEFAULTS);
    }

    public Instant referenceTime() {
        return now;
    }

    public MetadataLimits limits() {
        return limits;
    }

    public Metadata<Root> root() {
        return root;
    }

    public Optional<Metadata<Timestamp>> timestamp() {
        return Optional.ofNullable(timestamp);
    }

    public Optional<Metadata<SnapshotMetadata>> snapshot() {
        return Optional.ofNullable(snapshot);
    }

    /** The verified top-level targets role. */
    public Optional<TrustedTargets> targets() {
        return Optional.ofNullable(targets.get(List.of(Targets.TYPE)));
    }

    /**
     * {@code roleName} as verified against {@code delegator}'s delegation, if it was; the same role reached through
     * another delegator is a different entry, verified against that delegator's keys.
     */
    public Optional<TrustedTargets> delegatedTargets(TrustedTargets delegator, String roleName) {
        requireOwn(delegator);
        return Optional.ofNullable(targets.get(TrustedTargets.chainOf(delegator, roleName)));
    }

    /**
     * Whether the final root changed the keys of timestamp or snapshot since the root this set started from; the
     * specification (5.3.11) then discards the stored timestamp and snapshot so that versions signed by the old,
     * possibly compromised keys cannot block new ones (fast-forward attack recovery).
     */
    public boolean timestampOrSnapshotKeysRotated() {
        return initialRoot.signed().roleKeysDiffer(root.signed(), Timestamp.TYPE)
                || initialRoot.signed().roleKeysDiffer(root.signed(), SnapshotMetadata.TYPE);
    }

    /** Accepts root version N+1, signed by the threshold of the trusted root's keys and of its own keys. */
    public Metadata<Root> updateRoot(byte[] bytes) {
        if (timestamp != null) throw new IllegalStateException("root cannot change after timestamp was loaded");
        checkSize(Root.TYPE, bytes);
        Metadata<Root> next = Metadata.root(bytes);
        root.signed().verifyDelegate(Root.TYPE, next);
        next.signed().verifyDelegate(Root.TYPE, next);
        long expected = root.signed().version() + 1;
        if (next.signed().version() != expected) {
            throw new VersionMismatchException(Root.TYPE, next.signed().version(), expected,
                    "the next root after trusted version " + root.signed().version());
        }
        root = next;
        return next;
    }

    /**
     * Offers timestamp metadata. Returns false when it has the same version as the trusted one (nothing changes, the
     * trusted one stays). Rollback of timestamp or of the snapshot version it lists is refused. Like the reference
     * implementation, a well-signed but expired timestamp is kept as the rollback reference before the expiry is
     * reported, so an expired local copy still protects against older remote ones.
     */
    public boolean updateTimestamp(byte[] bytes) {
        if (snapshot != null) throw new IllegalStateException("timestamp cannot change after snapshot was loaded");
        checkNotExpired(root);
        checkSize(Timestamp.TYPE, bytes);
        Metadata<Timestamp> next = Metadata.timestamp(bytes);
        root.signed().verifyDelegate(Timestamp.TYPE, next);
        if (timestamp != null) {
            long trusted = timestamp.signed().version();
            long offered = next.signed().version();
            if (offered < trusted) throw new RollbackException(Timestamp.TYPE, offered, trusted);
            if (offered == trusted) return false;
            long trustedSnapshot = timestamp.signed().snapshotMeta().version();
            long offeredSnapshot = next.signed().snapshotMeta().version();
            if (offeredSnapshot < trustedSnapshot) {
                throw new RollbackException(Timestamp.TYPE, "snapshot", offeredSnapshot, trustedSnapshot);
            }
        }
        timestamp = next;
        checkNotExpired(timestamp);
        return true;
    }

    /**
     * Offers snapshot metadata. {@code fromLocalStore} skips the length/hash check against timestamp (the bytes were
     * verified when stored; timestamp may list no hashes anyway). The snapshot must be signed by the snapshot role,
     * must not drop or roll back any targets role the trusted snapshot lists, must have the version timestamp lists
     * and must not be expired; a well-signed one failing the last two is still kept as rollback reference.
     */
    public Metadata<SnapshotMetadata> updateSnapshot(byte[] bytes, boolean fromLocalStore) {
        if (timestamp == null) throw new IllegalStateException("snapshot needs a trusted timestamp first");
        if (!targets.isEmpty()) throw new IllegalStateException("snapshot cannot change after targets were loaded");
        checkNotExpired(timestamp);
        MetaFile expected = timestamp.signed().snapshotMeta();
        checkSize(SnapshotMetadata.TYPE, bytes);
        if (!fromLocalStore) {
            expected.verifyLengthAndHashes("snapshot metadata (as listed by timestamp v" + timestamp.signed().version()
                    + ")", bytes);
        }
        Metadata<SnapshotMetadata> next = Metadata.snapshot(bytes);
        root.signed().verifyDelegate(SnapshotMetadata.TYPE, next);
        if (snapshot != null) {
            for (Map.Entry<String, MetaFile> e : snapshot.signed().meta().entrySet()) {
                MetaFile offered = next.signed().meta().get(e.getKey());
                if (offered == null) {
                    throw new RepositoryInconsistencyException(SnapshotMetadata.TYPE, "snapshot version "
                            + next.signed().version() + " no longer lists '" + e.getKey() + "' that trusted version "
                            + snapshot.signed().version() + " lists; the publisher must keep every targets role in "
                            + "snapshot");
                }
                if (offered.version() < e.getValue().version()) {
                    throw new RollbackException(SnapshotMetadata.TYPE, "'" + e.getKey() + "'", offered.version(),
                            e.getValue().version());
                }
            }
        }
        snapshot = next;
        checkFinalSnapshot();
        return next;
    }

    /**
     * Offers top-level targets metadata (delegated to by root). Its length, hashes and version must match snapshot;
     * it must be signed by root's threshold for targets and not be expired.
     */
    public TrustedTargets updateTargets(byte[] bytes) {
        Metadata<Targets> next = checkedTargets(bytes, Targets.TYPE);
        root.signed().verifyDelegate(Targets.TYPE, next);
        return accept(next, Targets.TYPE, TrustedTargets.topLevel(next));
    }

    /**
     * Offers targets metadata of {@code roleName} as reached through {@code delegator}, which this set verified. The
     * same checks as {@link #updateTargets}, against the threshold and keys {@code delegator} gives {@code roleName}.
     * A role reachable through several delegators is verified once for each of them.
     */
    public TrustedTargets updateDelegatedTargets(byte[] bytes, String roleName, TrustedTargets delegator) {
        requireOwn(delegator);
        Metadata<Targets> next = checkedTargets(bytes, roleName);
        delegator.signed().verifyDelegate(delegator.role(), roleName, next);
        return accept(next, roleName, delegator.child(roleName, next));
    }

    private void requireOwn(TrustedTargets delegator) {
        if (targets.get(delegator.chain()) != delegator) {
            throw new IllegalStateException("delegator '" + delegator + "' was not verified by this set");
        }
    }

    /** The checks that do not depend on the delegator: order, size, length and hashes listed by snapshot. */
    private Metadata<Targets> checkedTargets(byte[] bytes, String roleName) {
        if (snapshot == null) throw new IllegalStateException("targets need a trusted snapshot first");
        checkFinalSnapshot();
        MetaFile expected = snapshot.signed().metaFor(roleName).orElseThrow(() ->
                new RepositoryInconsistencyException(roleName, "snapshot version " + snapshot.signed().version()
                        + " does not list '" + roleName + ".json'; the publisher must add it to snapshot"));
        checkSize(roleName, bytes);
        expected.verifyLengthAndHashes(roleName + " metadata (as listed by snapshot v" + snapshot.signed().version()
                + ")", bytes);
        return Metadata.targets(bytes);
    }

    /** The checks after the signatures (the specification's order), then the metadata is trusted on its chain. */
    private TrustedTargets accept(Metadata<Targets> next, String roleName, TrustedTargets trusted) {
        MetaFile expected = snapshot.signed().metaFor(roleName).orElseThrow();
        if (next.signed().version() != expected.version()) {
            throw new VersionMismatchException(roleName, next.signed().version(), expected.version(),
                    "snapshot version " + snapshot.signed().version());
        }
        checkNotExpired(roleName, next);
        targets.put(trusted.chain(), trusted);
        return trusted;
    }

    private void checkFinalSnapshot() {
        checkNotExpired(snapshot);
        long expected = timestamp.signed().snapshotMeta().version();
        if (snapshot.signed().version() != expected) {
            throw new VersionMismatchException(SnapshotMetadata.TYPE, snapshot.signed().version(), expected,
                    "timestamp version " + timestamp.signed().version());
        }
    }

    private void checkNotExpired(Metadata<?> metadata) {
        checkNotExpired(metadata.signed().type(), metadata);
    }

    private void checkNotExpired(String roleName, Metadata<?> metadata) {
        if (metadata.signed().isExpired(now)) {
            throw new ExpiredMetadataException(roleName, metadata.signed().version(), metadata.signed().expires(), now);
        }
    }

    private void checkSize(String roleName, byte[] bytes) {
        long max = limits.maxBytes(roleName);
        if (bytes.length > max) throw new MetadataTooLargeException(roleName + " metadata", max);
    }
}
