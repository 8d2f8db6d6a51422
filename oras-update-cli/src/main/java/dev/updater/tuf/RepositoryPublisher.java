package dev.updater.tuf;

import dev.updater.registry.LocalFileException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.io.Durable;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.tuf.Key;
import dev.updater.schema.tuf.MetaFile;
import dev.updater.schema.tuf.Metadata;
import dev.updater.schema.tuf.Role;
import dev.updater.schema.tuf.Root;
import dev.updater.schema.tuf.Signature;
import dev.updater.schema.tuf.SnapshotMetadata;
import dev.updater.schema.tuf.Targets;
import dev.updater.schema.tuf.Timestamp;
import dev.updater.schema.tuf.TufJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The publisher side of TUF over a plain repository directory: {@code DIR/metadata/N.root.json},
 * {@code timestamp.json}, {@code N.snapshot.json}, {@code N.targets.json} (consistent snapshots, so a client never
 * mixes files of two publications) and {@code DIR/targets/HASH.name}. {@link HttpMetadataFetcher} reads exactly this
 * layout when the directory is served over HTTP.
 *
 * <p>Every file is written atomically, and every new version is checked by the same code a client runs
 * ({@link Root#verifyDelegate}) before it is written, so a publisher cannot publish what its clients would refuse.
 */
public final class RepositoryPublisher {
    public static final Duration TIMESTAMP_EXPIRY = Duration.ofDays(1);
    public static final Duration SNAPSHOT_EXPIRY = Duration.ofDays(7);
    public static final Duration TARGETS_EXPIRY = Duration.ofDays(90);
    public static final Duration ROOT_EXPIRY = Duration.ofDays(365);
    private static final String SPEC_VERSION = "1.0.31";

    private final Path metadataDir;
    private final Path targetsDir;
    private final Clock clock;

    public RepositoryPublisher(Path repositoryDir, Clock clock) {
        this.metadataDir = repositoryDir.resolve("metadata");
        this.targetsDir = repositoryDir.resolve("targets");
        this.clock = clock;
    }

    public Path metadataDir() {
        return metadataDir;
    }

    public boolean isInitialised() {
        return Files.exists(metadataDir.resolve("1.root.json"));
    }

    /**
     * Creates version 1 of every role: root listing {@code rootKeys} (any {@code rootThreshold} of them sign root),
     * one key each for targets, snapshot and timestamp, and an empty targets list.
     */
    public void init(List<TufSigningKey> rootKeys, int rootThreshold, TufSigningKey targets, TufSigningKey snapshot,
                     TufSigningKey timestamp) {
        if (isInitialised()) {
            throw new TrustStateException("the repository at " + metadataDir.getParent() + " already has trust "
                    + "metadata; use 'update trust rotate' to change keys");
        }
        Map<String, List<Key>> keys = new LinkedHashMap<>();
        keys.put("root", rootKeys.stream().map(TufSigningKey::publicKey).toList());
        keys.put("timestamp", List.of(timestamp.publicKey()));
        keys.put("snapshot", List.of(snapshot.publicKey()));
        keys.put("targets", List.of(targets.publicKey()));
        Map<String, Integer> thresholds = Map.of("root", rootThreshold, "timestamp", 1, "snapshot", 1, "targets", 1);
        ObjectNode root = rootDocument(1, keys, thresholds);
        byte[] rootBytes = signChecked(root, rootKeys);
        Metadata<Root> parsed = Metadata.root(rootBytes);
        parsed.signed().verifyDelegate("root", parsed);
        write("1.root.json", rootBytes);
        write("root.json", rootBytes);
        publishTargets(1, Json.object(), targets);
        publishSnapshotAndTimestamp(Optional.of(snapshot), timestamp, TIMESTAMP_EXPIRY);
    }

    /**
     * Writes root version N+1 in which {@code role} is signed by {@code newKeys} with {@code threshold}. It must be
     * signed by the threshold of the current root keys and of the new root keys: {@code signers} may hold both.
     */
    public Metadata<Root> rotate(String role, List<Key> newKeys, int threshold, List<TufSigningKey> signers) {
        RootSigningStatus status = stageRotation(role, newKeys, threshold, signers);
        if (!status.complete()) {
            Path staged = stagedRoot(status.version());
            try {
                Files.deleteIfExists(staged);
            } catch (IOException e) {
                throw new LocalFileException("cannot use the TUF repository directory " + metadataDir, e);
            }
            throw new TrustStateException("root version " + status.version() + " would not be trusted by clients: "
                    + status.describe() + ". Pass the keys of both the current and the new root (--root-key), or "
                    + "stage it (--stage) and sign key by key with 'update trust sign-root'");
        }
        return currentRoot();
    }

    /**
     * Prepares root version N+1 (as {@link #rotate}) in {@code DIR/staged/N.root.json}, signed by whichever of
     * {@code signers} are given; it is published as soon as both thresholds are met, here or by later
     * {@link #signStagedRoot} calls (one per offline key).
     */
    public RootSigningStatus stageRotation(String role, List<Key> newKeys, int threshold, List<TufSigningKey> signers) {
        Metadata<Root> current = currentRoot();
        Map<String, List<Key>> keys = new LinkedHashMap<>();
        Map<String, Integer> thresholds = new LinkedHashMap<>();
        for (String name : List.of("root", "timestamp", "snapshot", "targets")) {
            Role existing = current.signed().role(name);
            keys.put(name, existing.keyIds().stream().map(id -> current.signed().keys().get(id)).toList());
            thresholds.put(name, existing.threshold());
        }
        if (!keys.containsKey(role)) throw new IllegalArgumentException("not a top-level role: " + role);
        keys.put(role, List.copyOf(newKeys));
        thresholds.put(role, threshold);
        long version = current.signed().version() + 1;
        ObjectNode root = rootDocument(version, keys, thresholds);
        Durable.write(stagedRoot(version), signChecked(root, signers));
        return publishIfSigned(version, current);
    }

    /** Adds signatures to the staged root version and publishes it once both thresholds are met. */
    public RootSigningStatus signStagedRoot(List<TufSigningKey> signers) {
        Metadata<Root> current = currentRoot();
        long version = current.signed().version() + 1;
        Path staged = stagedRoot(version);
        if (!Files.exists(staged)) {
            throw new TrustStateException("no staged root version " + version + " in " + staged.getParent()
                    + "; prepare one with 'update trust rotate --stage'");
        }
        Metadata<Root> partial;
        try {
            partial = Metadata.root(Files.readAllBytes(staged));
        } catch (IOException e) {
            throw new LocalFileException("cannot use the TUF repository directory " + metadataDir, e);
        }
        ObjectNode signed = (ObjectNode) partial.json().get("signed");
        byte[] payload = partial.signedBytes();
        List<Signature> signatures = new ArrayList<>(partial.signatures());
        for (TufSigningKey key : signers) {
            if (signatures.stream().noneMatch(s -> s.keyId().equals(key.keyId()))) {
                signatures.add(new Signature(key.keyId(), key.sign(payload)));
            }
        }
        Durable.write(staged, Metadata.assemble(signed, signatures));
        return publishIfSigned(version, current);
    }

    private RootSigningStatus publishIfSigned(long version, Metadata<Root> current) {
        Path staged = stagedRoot(version);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(staged);
        } catch (IOException e) {
            throw new LocalFileException("cannot use the TUF repository directory " + metadataDir, e);
        }
        Metadata<Root> next = Metadata.root(bytes);
        RootSigningStatus status = new RootSigningStatus(version,
                current.signed().validSignatures("root", next), current.signed().role("root").threshold(),
                next.signed().validSignatures("root", next), next.signed().role("root").threshold());
        if (status.complete()) {
            write(version + ".root.json", bytes);
            write("root.json", bytes);
            try {
                Files.delete(staged);
            } catch (IOException e) {
                throw new LocalFileException("cannot use the TUF repository directory " + metadataDir, e);
            }
        }
        return status;
    }

    /** Signatures a staged root version has from the current (old) and its own (new) root keys. */
    public record RootSigningStatus(long version, int oldValid, int oldThreshold, int newValid, int newThreshold) {
        public boolean complete() {
            return oldValid >= oldThreshold && newValid >= newThreshold;
        }

        public String describe() {
            return "root version " + version + " has " + oldValid + " of " + oldThreshold + " signatures needed from "
                    + "the current root keys and " + newValid + " of " + newThreshold + " from its own root keys";
        }
    }

    private Path stagedRoot(long version) {
        return metadataDir.getParent().resolve("staged").resolve(version + ".root.json");
    }

    /**
     * Adds or replaces target entries (path to length, hashes and custom fields) in a new targets version, then
     * publishes new snapshot and timestamp versions.
     */
    public void addTargets(Map<String, ObjectNode> entries, TufSigningKey targetsKey, TufSigningKey snapshotKey,
                           TufSigningKey timestampKey) {
        Metadata<Targets> current = currentTargets();
        ObjectNode targets = (ObjectNode) current.signed().json().get("targets").deepCopy();
        entries.forEach(targets::set);
        publishTargets(current.signed().version() + 1, targets, targetsKey);
        publishSnapshotAndTimestamp(Optional.of(snapshotKey), timestampKey, TIMESTAMP_EXPIRY);
    }

    /** A copy of the current targets entry for {@code targetPath}, to change and pass to {@link #addTargets}. */
    public Optional<ObjectNode> targetEntry(String targetPath) {
        JsonNode entry = currentTargets().signed().json().get("targets").get(targetPath);
        return entry instanceof ObjectNode object ? Optional.of(object.deepCopy()) : Optional.empty();
    }

    /** Copies a file into {@code targets/} under its consistent-snapshot name and returns its target entry. */
    public ObjectNode storeTargetFile(String targetPath, byte[] content) {
        String sha256 = Digest.of(content).hex();
        int slash = targetPath.lastIndexOf('/');
        Path file = targetsDir.resolve(targetPath.substring(0, slash + 1) + sha256 + "." + targetPath.substring(slash + 1));
        if (!file.normalize().startsWith(targetsDir.normalize())) {
            throw new IllegalArgumentException("target path leaves the targets directory: " + targetPath);
        }
        Durable.write(file, content);
        ObjectNode entry = Json.object();
        entry.put("length", content.length);
        entry.putObject("hashes").put("sha256", sha256);
        return entry;
    }

    /**
     * Re-signs timestamp (version + 1, expiring after {@code expiry}) over the current snapshot; with a snapshot key,
     * first publishes a new snapshot version too (needed after its expiry or a snapshot key rotation).
     */
    public Metadata<Timestamp> timestamp(TufSigningKey timestampKey, Optional<TufSigningKey> snapshotKey,
                                         Duration expiry) {
        return publishSnapshotAndTimestamp(snapshotKey, timestampKey, expiry);
    }

    public Metadata<Root> currentRoot() {
        try (Stream<Path> files = Files.list(metadataDir)) {
            long latest = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("[0-9]+\\.root\\.json"))
                    .mapToLong(n -> Long.parseLong(n.substring(0, n.indexOf('.'))))
                    .max().orElseThrow(() -> notInitialised());
            return Metadata.root(Files.readAllBytes(metadataDir.resolve(latest + ".root.json")));
        } catch (NoSuchFileException e) {
            throw notInitialised();
        } catch (IOException e) {
            throw new LocalFileException("cannot use the TUF repository directory " + metadataDir, e);
        }
    }

    private Metadata<Timestamp> currentTimestamp() {
        return Metadata.timestamp(read("timestamp.json"));
    }

    private Metadata<SnapshotMetadata> currentSnapshot() {
        return Metadata.snapshot(read(currentTimestamp().signed().snapshotMeta().version() + ".snapshot.json"));
    }

    private Metadata<Targets> currentTargets() {
        MetaFile meta = currentSnapshot().signed().metaFor("targets").orElseThrow();
        return Metadata.targets(read(meta.version() + ".targets.json"));
    }

    private void publishTargets(long version, ObjectNode targets, TufSigningKey key) {
        ObjectNode signed = header("targets", version, TARGETS_EXPIRY);
        signed.set("targets", targets);
        byte[] bytes = signChecked(signed, List.of(key));
        currentRootOrNull().ifPresent(root -> root.signed().verifyDelegate("targets", Metadata.targets(bytes)));
        write(version + ".targets.json", bytes);
    }

    private Metadata<Timestamp> publishSnapshotAndTimestamp(Optional<TufSigningKey> snapshotKey,
                                                           TufSigningKey timestampKey, Duration expiry) {
        Metadata<Root> root = currentRoot();
        boolean hasTimestamp = Files.exists(metadataDir.resolve("timestamp.json"));
        long snapshotVersion = hasTimestamp ? currentTimestamp().signed().snapshotMeta().version() : 0;
        if (snapshotKey.isPresent()) {
            long targetsVersion = latestVersion("targets");
            ObjectNode signed = header("snapshot", ++snapshotVersion, SNAPSHOT_EXPIRY);
            signed.putObject("meta").putObject("targets.json").put("version", targetsVersion);
            byte[] bytes = signChecked(signed, List.of(snapshotKey.get()));
            root.signed().verifyDelegate("snapshot", Metadata.snapshot(bytes));
            write(snapshotVersion + ".snapshot.json", bytes);
        }
        byte[] snapshot = read(snapshotVersion + ".snapshot.json");
        long timestampVersion = hasTimestamp ? currentTimestamp().signed().version() + 1 : 1;
        ObjectNode signed = header("timestamp", timestampVersion, expiry);
        ObjectNode entry = signed.putObject("meta").putObject("snapshot.json");
        entry.putObject("hashes").put("sha256", Digest.of(snapshot).hex());
        entry.put("length", snapshot.length);
        entry.put("version", snapshotVersion);
        byte[] bytes = signChecked(signed, List.of(timestampKey));
        Metadata<Timestamp> timestamp = Metadata.timestamp(bytes);
        try {
            root.signed().verifyDelegate("timestamp", timestamp);
        } catch (dev.updater.schema.tuf.UnsignedMetadataException e) {
            throw new TrustStateException("the timestamp key given is not the one root version "
                    + root.signed().version() + " lists for timestamp; pass the current timestamp key");
        }
        write("timestamp.json", bytes);
        return timestamp;
    }

    private long latestVersion(String role) {
        try (Stream<Path> files = Files.list(metadataDir)) {
            String suffix = "." + role + ".json";
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(suffix) && n.substring(0, n.length() - suffix.length()).matches("[0-9]+"))
                    .mapToLong(n -> Long.parseLong(n.substring(0, n.length() - suffix.length())))
                    .max().orElseThrow(this::notInitialised);
        } catch (IOException e) {
            throw new LocalFileException("cannot use the TUF repository directory " + metadataDir, e);
        }
    }

    private Optional<Metadata<Root>> currentRootOrNull() {
        return isInitialised() ? Optional.of(currentRoot()) : Optional.empty();
    }

    private ObjectNode rootDocument(long version, Map<String, List<Key>> keys, Map<String, Integer> thresholds) {
        ObjectNode signed = header("root", version, ROOT_EXPIRY);
        signed.put("consistent_snapshot", true);
        ObjectNode keyMap = signed.putObject("keys");
        ObjectNode roles = signed.putObject("roles");
        keys.forEach((role, list) -> {
            ObjectNode entry = roles.putObject(role);
            ArrayNode ids = entry.putArray("keyids");
            for (Key key : list) {
                String id = key.computeKeyId();
                if (!containsText(ids, id)) ids.add(id);
                keyMap.set(id, key.json());
            }
            entry.put("threshold", thresholds.get(role));
        });
        return signed;
    }

    private static boolean containsText(ArrayNode array, String text) {
        for (JsonNode node : array) if (node.asText().equals(text)) return true;
        return false;
    }

    private ObjectNode header(String type, long version, Duration expiry) {
        ObjectNode signed = Json.object();
        signed.put("_type", type);
        signed.put("expires", clock.instant().plus(expiry).truncatedTo(ChronoUnit.SECONDS).toString());
        signed.put("spec_version", SPEC_VERSION);
        signed.put("version", version);
        return signed;
    }

    /** Signs with each distinct key once. */
    static byte[] signChecked(ObjectNode signed, List<TufSigningKey> signers) {
        byte[] payload = TufJson.canonical(signed);
        List<Signature> signatures = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (TufSigningKey key : signers) {
            if (seen.contains(key.keyId())) continue;
            seen.add(key.keyId());
            signatures.add(new Signature(key.keyId(), key.sign(payload)));
        }
        return Metadata.assemble(signed, signatures);
    }

    private byte[] read(String name) {
        try {
            return Files.readAllBytes(metadataDir.resolve(name));
        } catch (NoSuchFileException e) {
            throw new TrustStateException("trust metadata " + metadataDir.resolve(name) + " is missing; the "
                    + "repository is incomplete: restore it or run 'update trust init' on a new one");
        } catch (IOException e) {
            throw new LocalFileException("cannot use the TUF repository directory " + metadataDir, e);
        }
    }

    private void write(String name, byte[] bytes) {
        Durable.write(metadataDir.resolve(name), bytes);
    }

    private TrustStateException notInitialised() {
        return new TrustStateException("no trust metadata in " + metadataDir + ": run 'update trust init' first");
    }
}
