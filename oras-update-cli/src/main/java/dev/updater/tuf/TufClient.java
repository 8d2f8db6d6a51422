package dev.updater.tuf;

import dev.updater.registry.io.Durable;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.tuf.Delegations;
import dev.updater.schema.tuf.Hashes;
import dev.updater.schema.tuf.MetaFile;
import dev.updater.schema.tuf.MetadataLimits;
import dev.updater.schema.tuf.MetadataTooLargeException;
import dev.updater.schema.tuf.RepositoryInconsistencyException;
import dev.updater.schema.tuf.Root;
import dev.updater.schema.tuf.SnapshotMetadata;
import dev.updater.schema.tuf.TargetFile;
import dev.updater.schema.tuf.Targets;
import dev.updater.schema.tuf.Timestamp;
import dev.updater.schema.tuf.TrustedMetadataSet;
import dev.updater.schema.tuf.TrustedTargets;
import dev.updater.schema.tuf.TufVerificationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * A TUF client: the specification's detailed client workflow (section 5) over any {@link MetadataFetcher}.
 *
 * <pre>{@code
 * TufClient client = new TufClient(Path.of("/var/lib/app/tuf"), new HttpMetadataFetcher(metadataUrl, targetsUrl));
 * client.refresh();                                    // root chain, timestamp, snapshot, targets
 * TargetFile info = client.getTargetInfo("app-1.4.2.tar").orElseThrow();
 * Path file = Path.of("/var/cache/app/app-1.4.2.tar");
 * if (client.findCachedTarget(info, file).isEmpty()) {
 *     client.downloadTarget(info, file);               // length and every hash checked while streaming
 * }
 * }</pre>
 *
 * <p>The metadata directory must hold a trusted {@code root.json} (pinned out of band). Every file that passes
 * verification is stored there byte-identical as {@code <quoted role>.json}; anything refused leaves the directory as
 * it was. One instance serves one refresh: create a new one to check for updates again.
 */
public final class TufClient {
    private final TrustedMetadataStore store;
    private final MetadataFetcher fetcher;
    private final Clock clock;
    private final MetadataLimits limits;
    private TrustedMetadataSet trusted;

    public TufClient(Path metadataDir, MetadataFetcher fetcher, Clock clock, MetadataLimits limits) {
        this.store = new TrustedMetadataStore(metadataDir);
        this.fetcher = fetcher;
        this.clock = clock;
        this.limits = limits;
    }

    public TufClient(Path metadataDir, MetadataFetcher fetcher) {
        this(metadataDir, fetcher, Clock.systemUTC(), MetadataLimits.DEFAULTS);
    }

    /**
     * Runs the top-level workflow: the root chain version by version, timestamp, snapshot, top-level targets.
     * Delegated targets are loaded on demand by {@link #getTargetInfo}.
     *
     * @throws TufVerificationException (and subtypes) when metadata is refused; the message says what to do
     */
    public void refresh() {
        byte[] root = store.read(Root.TYPE).orElseThrow(() -> new NoTrustedRootException(store.fileOf(Root.TYPE)));
        trusted = new TrustedMetadataSet(root, clock, limits);
        loadRoot();
        discardTimestampAndSnapshotIfTheirKeysRotated();
        loadTimestamp();
        loadSnapshot();
        loadTopLevelTargets();
    }

    /** What the trusted metadata says about {@code targetPath}, after a pre-order walk of the delegations. */
    public Optional<TargetFile> getTargetInfo(String targetPath) {
        if (trusted == null) refresh();
        return preorderDepthFirstWalk(targetPath);
    }

    /** {@code file} if it exists and has exactly the target's length and hashes. */
    public Optional<Path> findCachedTarget(TargetFile target, Path file) {
        if (!Files.isRegularFile(file)) return Optional.empty();
        try (InputStream in = Files.newInputStream(file)) {
            Hashes check = target.newHashCheck();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) check.update(buffer, 0, n);
            check.verify(OptionalLong.of(target.length()));
            return Optional.of(file);
        } catch (IOException | TufVerificationException e) {
            return Optional.empty();
        }
    }

    /**
     * Downloads a target to {@code file}, checking its length and every hash while streaming; {@code file} appears
     * only when everything matched.
     */
    public Path downloadTarget(TargetFile target, Path file) {
        if (trusted == null) refresh();
        Optional<String> hashPrefix = trusted.root().signed().consistentSnapshot()
                ? Optional.of(target.hashes().values().iterator().next()) : Optional.empty();
        try {
            Hashes check = target.newHashCheck();
            Durable.write(file, out -> {
                try (InputStream in = fetcher.openTarget(target.path(), hashPrefix)) {
                    byte[] buffer = new byte[64 * 1024];
                    long total = 0;
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        total += n;
                        if (total > target.length()) {
                            throw new MetadataTooLargeException("target '" + target.path() + "'", target.length());
                        }
                        check.update(buffer, 0, n);
                        out.write(buffer, 0, n);
                    }
                    check.verify(OptionalLong.of(target.length()));
                }
            });
            return file;
        } catch (IOException e) {
            throw new TufFetchException("cannot download target '" + target.path() + "': " + e.getMessage(), e);
        }
    }

    /** The trusted state after {@link #refresh}, for callers that read custom target fields or versions. */
    public TrustedMetadataSet trustedMetadata() {
        if (trusted == null) refresh();
        return trusted;
    }

    private void loadRoot() {
        long first = trusted.root().signed().version() + 1;
        for (long version = first; version < first + limits.maxRootRotations(); version++) {
            byte[] bytes;
            try {
                bytes = fetcher.fetchMetadata(Root.TYPE, OptionalLong.of(version), limits.rootMaxBytes());
            } catch (MetadataNotFoundException e) {
                return;
            }
            trusted.updateRoot(bytes);
            store.write(Root.TYPE, bytes);
        }
    }

    /** Specification 5.3.11: after a rotation, metadata signed by the old keys must not block new versions. */
    private void discardTimestampAndSnapshotIfTheirKeysRotated() {
        if (trusted.timestampOrSnapshotKeysRotated()) {
            store.delete(Timestamp.TYPE);
            store.delete(SnapshotMetadata.TYPE);
        }
    }

    private void loadTimestamp() {
        Optional<byte[]> local = store.read(Timestamp.TYPE);
        if (local.isPresent()) {
            try {
                trusted.updateTimestamp(local.get());
            } catch (TufVerificationException | ManifestFormatException e) {
                // not usable as final; an expired but well-signed one still guards against rollback
            }
        }
        byte[] bytes = fetcher.fetchMetadata(Timestamp.TYPE, OptionalLong.empty(), limits.timestampMaxBytes());
        if (trusted.updateTimestamp(bytes)) {
            store.write(Timestamp.TYPE, bytes);
        }
    }

    private void loadSnapshot() {
        Optional<byte[]> local = store.read(SnapshotMetadata.TYPE);
        if (local.isPresent()) {
            try {
                trusted.updateSnapshot(local.get(), true);
                return;
            } catch (TufVerificationException | ManifestFormatException e) {
                // not usable as final: fetch the one timestamp lists
            }
        }
        MetaFile meta = trusted.timestamp().orElseThrow().signed().snapshotMeta();
        byte[] bytes = fetcher.fetchMetadata(SnapshotMetadata.TYPE, versionToFetch(meta),
                meta.length().orElse(limits.snapshotMaxBytes()));
        trusted.updateSnapshot(bytes, false);
        store.write(SnapshotMetadata.TYPE, bytes);
    }

    private TrustedTargets loadTopLevelTargets() {
        Optional<TrustedTargets> known = trusted.targets();
        if (known.isPresent()) return known.get();
        return loadVerified(Targets.TYPE, trusted::updateTargets);
    }

    /**
     * {@code roleName} verified against {@code delegator}: a copy verified on another delegator's path is not reused,
     * since that delegator may name other keys for the same role.
     */
    private TrustedTargets loadDelegatedTargets(String roleName, TrustedTargets delegator) {
        Optional<TrustedTargets> known = trusted.delegatedTargets(delegator, roleName);
        if (known.isPresent()) return known.get();
        return loadVerified(roleName, bytes -> trusted.updateDelegatedTargets(bytes, roleName, delegator));
    }

    /** The local copy if it still verifies, else the version snapshot lists, fetched, verified and stored. */
    private TrustedTargets loadVerified(String roleName, Function<byte[], TrustedTargets> verify) {
        Optional<byte[]> local = store.read(roleName);
        if (local.isPresent()) {
            try {
                return verify.apply(local.get());
            } catch (TufVerificationException | ManifestFormatException e) {
                // stale or damaged local copy, or one signed for another delegator: fetch the one snapshot lists
            }
        }
        SnapshotMetadata snapshot = trusted.snapshot().orElseThrow().signed();
        MetaFile meta = snapshot.metaFor(roleName).orElseThrow(() -> new RepositoryInconsistencyException(roleName,
                "snapshot version " + snapshot.version() + " does not list '" + roleName
                        + ".json'; the publisher must add it to snapshot"));
        byte[] bytes = fetcher.fetchMetadata(roleName, versionToFetch(meta),
                meta.length().orElse(limits.targetsMaxBytes()));
        TrustedTargets verified = verify.apply(bytes);
        store.write(roleName, bytes);
        return verified;
    }

    private OptionalLong versionToFetch(MetaFile meta) {
        return trusted.root().signed().consistentSnapshot() ? OptionalLong.of(meta.version()) : OptionalLong.empty();
    }

    /**
     * Specification 5.6.7: targets first, then delegations in listed order, depth first, stopping at terminating.
     * Each role is verified against the delegator it is reached from on this walk.
     */
    private Optional<TargetFile> preorderDepthFirstWalk(String targetPath) {
        Deque<Visit> toVisit = new ArrayDeque<>();
        toVisit.push(new Visit(Targets.TYPE, Optional.empty()));
        Set<String> visited = new HashSet<>();
        while (!toVisit.isEmpty() && visited.size() <= limits.maxDelegations()) {
            Visit next = toVisit.pop();
            if (visited.contains(next.roleName())) continue;
            TrustedTargets role = next.delegator().isEmpty() ? loadTopLevelTargets()
                    : loadDelegatedTargets(next.roleName(), next.delegator().get());
            Targets targets = role.signed();
            TargetFile found = targets.targets().get(targetPath);
            if (found != null) return Optional.of(found);
            visited.add(next.roleName());
            if (targets.delegations().isEmpty()) continue;
            List<Visit> children = new ArrayList<>();
            for (Delegations.Match child : targets.delegations().get().rolesFor(targetPath)) {
                children.add(new Visit(child.name(), Optional.of(role)));
                if (child.terminating()) {
                    toVisit.clear();
                    break;
                }
            }
            for (int i = children.size() - 1; i >= 0; i--) toVisit.push(children.get(i));
        }
        return Optional.empty();
    }

    /** A role still to visit on the walk, and the verified role that delegates to it (none for top-level targets). */
    private record Visit(String roleName, Optional<TrustedTargets> delegator) {}
}
