package dev.updater.tuf;

import dev.updater.registry.LocalFileException;
import dev.updater.registry.BlobSource;
import dev.updater.registry.NotFoundException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.io.Durable;
import dev.updater.schema.Digest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.tuf.MetaFile;
import dev.updater.schema.tuf.Metadata;
import dev.updater.schema.tuf.MetadataLimits;
import dev.updater.schema.tuf.Root;
import dev.updater.schema.tuf.SnapshotMetadata;
import dev.updater.schema.tuf.Targets;
import dev.updater.schema.tuf.Timestamp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The publisher's bridge between a {@link RepositoryPublisher} working copy and the release repository: the
 * repository is the source of truth, so every operation starts by replacing the working copy's metadata with what
 * the repository holds and ends by pushing what changed, roots first and timestamp last (a client that reads the new
 * timestamp finds everything it points at). A scheduled job therefore needs no state beyond its key.
 */
public final class OciTrustMirror {
    private static final Pattern VERSIONED = Pattern.compile("([1-9][0-9]{0,18})\\.(root|snapshot|targets)\\.json");
    private static final List<String> PUSH_ORDER = List.of("root", "targets", "snapshot", "timestamp");

    private final ReleaseStore store;
    private final Map<String, Digest> received = new HashMap<>();

    public OciTrustMirror(ReleaseStore store) {
        this.store = store;
    }

    /**
     * Runs {@code operation} on a working copy in {@code repositoryDir} synchronised with {@code store} before, and
     * pushes the files it wrote afterwards. Nothing is pushed if the operation throws.
     */
    public static <T> T publish(ReleaseStore store, Path repositoryDir, Clock clock,
            Function<RepositoryPublisher, T> operation) {
        RepositoryPublisher publisher = new RepositoryPublisher(repositoryDir, clock);
        OciTrustMirror mirror = new OciTrustMirror(store);
        mirror.download(publisher.metadataDir());
        T result = operation.apply(publisher);
        mirror.upload(publisher.metadataDir());
        return result;
    }

    /**
     * Replaces the metadata files in {@code metadataDir} by the repository's: every root version, the timestamp,
     * and the snapshot and targets versions it leads to (what the publisher builds the next versions on).
     */
    public void download(Path metadataDir) {
        Optional<byte[]> pinnedRoot = readIfExists(metadataDir.resolve("1.root.json"));
        clearMetadata(metadataDir);
        OciMetadataFetcher fetcher = new OciMetadataFetcher(store);
        MetadataLimits limits = MetadataLimits.DEFAULTS;
        long latestRoot = 0;
        for (String tag : tagsOf(store)) {
            Optional<OciMetadataLayout.ParsedTag> parsed = OciMetadataLayout.parseTag(tag);
            if (parsed.isPresent() && parsed.get().rolePart().equals("root") && parsed.get().version().isPresent()) {
                latestRoot = Math.max(latestRoot, parsed.get().version().getAsLong());
            }
        }
        if (latestRoot == 0) return;
        // Everything is checked as a client would (but for expiry, which a publisher is here to fix): entries of a
        // forged targets file must never be carried over into a version signed with our keys.
        Metadata<Root> root = null;
        for (long version = 1; version <= latestRoot; version++) {
            byte[] bytes = fetcher.fetchMetadata(Root.TYPE, OptionalLong.of(version), limits.rootMaxBytes());
            Metadata<Root> next = Metadata.root(bytes);
            String what = "root version " + version;
            if (version == 1 && pinnedRoot.isPresent() && !java.util.Arrays.equals(pinnedRoot.get(), bytes)) {
                throw refused(what, "it differs from the working copy's 1.root.json");
            }
            check(what, next.signed().version() == version, "it says version " + next.signed().version());
            Metadata<Root> previous = root;
            if (previous != null) verify(what, () -> previous.signed().verifyDelegate(Root.TYPE, next));
            verify(what, () -> next.signed().verifyDelegate(Root.TYPE, next));
            keep(metadataDir, version + ".root.json", bytes);
            root = next;
        }
        copy(metadataDir.resolve(latestRoot + ".root.json"), metadataDir.resolve("root.json"));
        Root trusted = root.signed();
        byte[] timestamp;
        try {
            timestamp = fetcher.fetchMetadata(Timestamp.TYPE, OptionalLong.empty(), limits.timestampMaxBytes());
        } catch (MetadataNotFoundException e) {
            return;
        }
        Metadata<Timestamp> parsedTimestamp = Metadata.timestamp(timestamp);
        verify("timestamp", () -> trusted.verifyDelegate(Timestamp.TYPE, parsedTimestamp));
        keep(metadataDir, "timestamp.json", timestamp);
        MetaFile snapshotMeta = parsedTimestamp.signed().snapshotMeta();
        long snapshotVersion = snapshotMeta.version();
        byte[] snapshot = fetcher.fetchMetadata(SnapshotMetadata.TYPE, OptionalLong.of(snapshotVersion),
                limits.snapshotMaxBytes());
        Metadata<SnapshotMetadata> parsedSnapshot = Metadata.snapshot(snapshot);
        String snapshotWhat = "snapshot version " + snapshotVersion;
        verify(snapshotWhat, () -> snapshotMeta.verifyLengthAndHashes(snapshotWhat, snapshot));
        verify(snapshotWhat, () -> trusted.verifyDelegate(SnapshotMetadata.TYPE, parsedSnapshot));
        check(snapshotWhat, parsedSnapshot.signed().version() == snapshotVersion, "its version differs");
        keep(metadataDir, snapshotVersion + ".snapshot.json", snapshot);
        MetaFile targets = parsedSnapshot.signed().metaFor(Targets.TYPE).orElseThrow(() ->
                refused(snapshotWhat, "it lists no targets.json"));
        byte[] targetsBytes = fetcher.fetchMetadata(Targets.TYPE, OptionalLong.of(targets.version()),
                targets.length().orElse(limits.targetsMaxBytes()));
        Metadata<Targets> parsedTargets = Metadata.targets(targetsBytes);
        String targetsWhat = "targets version " + targets.version();
        verify(targetsWhat, () -> targets.verifyLengthAndHashes(targetsWhat, targetsBytes));
        verify(targetsWhat, () -> trusted.verifyDelegate(Targets.TYPE, parsedTargets));
        check(targetsWhat, parsedTargets.signed().version() == targets.version(), "its version differs");
        keep(metadataDir, targets.version() + ".targets.json", targetsBytes);
    }

    private void verify(String what, Runnable check) {
        try {
            check.run();
        } catch (dev.updater.schema.tuf.TufVerificationException e) {
            throw refused(what, e.getMessage());
        }
    }

    private void check(String what, boolean condition, String problem) {
        if (!condition) throw refused(what, problem);
    }

    private TrustStateException refused(String what, String problem) {
        return new TrustStateException("the TUF " + what + " in " + store.describe() + " does not verify (" + problem
                + "); refusing to publish on top of it. Someone may have tampered with the repository's tuf-* tags: "
                + "compare with your last known-good metadata before going on");
    }

    private static Optional<byte[]> readIfExists(Path file) {
        return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
    }

    /** Pushes every metadata file that is new or changed since {@link #download}; returns the tags written. */
    public List<String> upload(Path metadataDir) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(metadataDir)) {
            list.filter(p -> roleOf(p).isPresent()).forEach(files::add);
        } catch (IOException e) {
            throw new LocalFileException("cannot use the TUF working copy", e);
        }
        files.sort(Comparator.comparingInt((Path p) -> PUSH_ORDER.indexOf(roleOf(p).orElseThrow()))
                .thenComparingLong(p -> versionOf(p).orElse(0)));
        List<String> pushed = new ArrayList<>();
        boolean configPushed = false;
        for (Path file : files) {
            byte[] bytes = read(file);
            String name = file.getFileName().toString();
            if (Digest.of(bytes).equals(received.get(name))) continue;
            if (!configPushed) {
                store.pushBlob(OciMetadataLayout.EMPTY_CONFIG_DESCRIPTOR, BlobSource.of(OciMetadataLayout.EMPTY_CONFIG));
                configPushed = true;
            }
            String role = roleOf(file).orElseThrow();
            String tag = OciMetadataLayout.tagFor(role, versionOf(file));
            store.pushBlob(OciMetadataLayout.layerFor(bytes), BlobSource.of(bytes));
            store.pushManifest(OciMetadataLayout.manifestFor(role, bytes).toBytes(), MediaTypes.OCI_MANIFEST, tag);
            received.put(name, Digest.of(bytes));
            pushed.add(tag);
        }
        return pushed;
    }

    private static Optional<String> roleOf(Path file) {
        String name = file.getFileName().toString();
        if (name.equals("timestamp.json")) return Optional.of(Timestamp.TYPE);
        Matcher m = VERSIONED.matcher(name);
        return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
    }

    private static OptionalLong versionOf(Path file) {
        Matcher m = VERSIONED.matcher(file.getFileName().toString());
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private void keep(Path metadataDir, String name, byte[] bytes) {
        Durable.write(metadataDir.resolve(name), bytes);
        received.put(name, Digest.of(bytes));
    }

    /** Only the files the publisher reads: a staged root (one level up) and unrelated files stay. */
    private static void clearMetadata(Path metadataDir) {
        if (!Files.isDirectory(metadataDir)) return;
        try (Stream<Path> list = Files.list(metadataDir)) {
            for (Path p : list.toList()) {
                String name = p.getFileName().toString();
                if (roleOf(p).isPresent() || name.equals("root.json")) Files.delete(p);
            }
        } catch (IOException e) {
            throw new LocalFileException("cannot use the TUF working copy", e);
        }
    }

    private static void copy(Path from, Path to) {
        Durable.write(to, read(from));
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new LocalFileException("cannot use the TUF working copy", e);
        }
    }

    /** A repository nothing was pushed to yet has no tags (registries answer 404 for it). */
    private static List<String> tagsOf(ReleaseStore store) {
        try {
            return store.listTags();
        } catch (NotFoundException e) {
            return List.of();
        }
    }

    /** Whether the repository has TUF metadata (a version 1 root). */
    public static boolean hasTrust(ReleaseStore store) {
        try {
            store.resolve(OciMetadataLayout.tagFor("root", OptionalLong.of(1)));
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }
}
