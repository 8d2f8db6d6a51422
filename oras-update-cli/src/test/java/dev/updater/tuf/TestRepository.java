package dev.updater.tuf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.tuf.Key;
import dev.updater.schema.tuf.Metadata;
import dev.updater.schema.tuf.Signature;
import dev.updater.schema.tuf.TufJson;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TUF repository for tests, signed with fresh JDK Ed25519 keys: it publishes files into {@link #files} (request path
 * to bytes, e.g. {@code /metadata/2.root.json}, {@code /targets/a.txt}) as a plain HTTP repository would serve them.
 * Tests change its fields (keys, versions, expiries) and call the {@code publish...} methods, or overwrite files to
 * play an attacker.
 */
final class TestRepository {
    /** "Now" for tests with a fixed clock; real time, so the CLI (system clock) accepts the same metadata. */
    static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final Map<String, List<KeyPair>> keys = new LinkedHashMap<>();
    final Map<String, Integer> thresholds = new LinkedHashMap<>();
    final Map<String, Long> versions = new LinkedHashMap<>();
    final Map<String, Instant> expires = new LinkedHashMap<>();
    final Map<String, byte[]> targets = new LinkedHashMap<>();
    /** Delegated role name to (its key, the path pattern it is trusted for, its targets). */
    final Map<String, Delegation> delegations = new LinkedHashMap<>();
    boolean consistentSnapshot;
    /** Keys of the previous root that must also sign the next root version (set by {@link #rotate}). */
    List<KeyPair> previousRootKeys = List.of();
    private int previousRootThreshold;

    /** Delegations made by delegated roles (their roles are in {@link #delegations} too, but targets does not name them). */
    final List<Edge> delegatedByRoles = new ArrayList<>();

    record Delegation(KeyPair key, String pattern, Map<String, byte[]> targets) {}

    /** {@code delegator} delegates {@code pattern} to {@code role}, trusting {@code namedKey} for it. */
    record Edge(String delegator, String role, KeyPair namedKey, String pattern) {}

    TestRepository() {
        for (String role : List.of("root", "timestamp", "snapshot", "targets")) {
            keys.put(role, new ArrayList<>(List.of(newKey())));
            thresholds.put(role, 1);
            versions.put(role, 1L);
        }
        expires.put("root", NOW.plusSeconds(365L * 86400));
        expires.put("timestamp", NOW.plusSeconds(86400));
        expires.put("snapshot", NOW.plusSeconds(7L * 86400));
        expires.put("targets", NOW.plusSeconds(90L * 86400));
    }

    static KeyPair newKey() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Key publicKey(KeyPair pair) {
        byte[] spki = pair.getPublic().getEncoded();
        byte[] raw = java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        return Key.of("ed25519", "ed25519", HexFormat.of().formatHex(raw));
    }

    static String keyId(KeyPair pair) {
        return publicKey(pair).computeKeyId();
    }

    void addTarget(String path, String content) {
        targets.put(path, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Hash-bin delegation (TAP 15): bins bin-0.. bin-(2^bits-1), all signed by one key. */
    int succinctBits;

    void delegateToHashBins(int bits) {
        succinctBits = bits;
        KeyPair shared = newKey();
        int width = Long.toHexString((1L << bits) - 1).length();
        for (int bin = 0; bin < (1 << bits); bin++) {
            String name = "bin-" + String.format("%0" + width + "x", bin);
            delegations.put(name, new Delegation(shared, "*", new LinkedHashMap<>()));
            versions.put(name, 1L);
        }
    }

    void delegate(String role, String pattern) {
        delegations.put(role, new Delegation(newKey(), pattern, new LinkedHashMap<>()));
        versions.put(role, 1L);
    }

    /**
     * {@code delegator} (a delegated role) delegates {@code pattern} to {@code role}, naming {@code namedKey}; the role
     * is signed with its own key from {@link #delegations} (created here if new), which may differ from the named one.
     */
    void delegateFrom(String delegator, String role, KeyPair namedKey, String pattern) {
        delegations.computeIfAbsent(role, r -> new Delegation(namedKey, pattern, new LinkedHashMap<>()));
        versions.put(role, 1L);
        delegatedByRoles.add(new Edge(delegator, role, namedKey, pattern));
    }

    /**
     * The graph of the TUF conformance suite's {@code test_cached_role_is_verified_against_current_delegator}:
     * targets delegates {@code team-a/*} to parent-a and {@code team-b/*} to parent-b; both delegate to
     * {@code release}, naming different keys; release is signed only with the key parent-a names and lists
     * {@code team-a/app.txt} ("good") and {@code team-b/malicious.txt} ("evil"). Not yet published.
     */
    static TestRepository oneRoleUnderTwoDelegators() {
        TestRepository repo = new TestRepository();
        repo.delegate("parent-a", "team-a/*");
        repo.delegate("parent-b", "team-b/*");
        repo.delegateFrom("parent-a", "release", newKey(), "team-a/*");
        repo.delegateFrom("parent-b", "release", newKey(), "team-b/*");
        Map<String, byte[]> release = repo.delegations.get("release").targets();
        release.put("team-a/app.txt", "good".getBytes(StandardCharsets.UTF_8));
        release.put("team-b/malicious.txt", "evil".getBytes(StandardCharsets.UTF_8));
        return repo;
    }

    /** Replaces the keys of a role in the next root version; for root, old keys co-sign that version. */
    void rotate(String role, KeyPair... newKeys) {
        if (role.equals("root")) {
            previousRootKeys = List.copyOf(keys.get("root"));
            previousRootThreshold = thresholds.get("root");
        }
        keys.put(role, new ArrayList<>(List.of(newKeys)));
    }

    /** Publishes everything at the current versions: root, then targets (and delegated), snapshot, timestamp. */
    TestRepository publishAll() {
        publishRoot();
        publishTargetsSnapshotTimestamp();
        return this;
    }

    void publishTargetsSnapshotTimestamp() {
        for (String role : delegations.keySet()) publishDelegated(role);
        publishTargets();
        publishSnapshot();
        publishTimestamp();
    }

    byte[] publishRoot() {
        ObjectNode signed = header("root");
        signed.put("consistent_snapshot", consistentSnapshot);
        ObjectNode keyMap = signed.putObject("keys");
        ObjectNode roles = signed.putObject("roles");
        for (String role : List.of("root", "timestamp", "snapshot", "targets")) {
            ObjectNode entry = roles.putObject(role);
            var ids = entry.putArray("keyids");
            for (KeyPair pair : keys.get(role)) {
                ids.add(keyId(pair));
                keyMap.set(keyId(pair), publicKey(pair).json());
            }
            entry.put("threshold", thresholds.get(role));
        }
        List<KeyPair> signers = new ArrayList<>(keys.get("root"));
        for (KeyPair old : previousRootKeys) {
            if (signers.stream().noneMatch(k -> keyId(k).equals(keyId(old)))) signers.add(old);
        }
        byte[] bytes = sign(signed, signers);
        files.put("/metadata/" + versions.get("root") + ".root.json", bytes);
        previousRootKeys = List.of();
        return bytes;
    }

    byte[] publishTargets() {
        ObjectNode signed = header("targets");
        putTargets(signed, targets);
        if (succinctBits > 0) {
            ObjectNode d = signed.putObject("delegations");
            KeyPair shared = delegations.values().iterator().next().key();
            d.putObject("keys").set(keyId(shared), publicKey(shared).json());
            ObjectNode succinct = d.putObject("succinct_roles");
            succinct.putArray("keyids").add(keyId(shared));
            succinct.put("threshold", 1);
            succinct.put("bit_length", succinctBits);
            succinct.put("name_prefix", "bin");
        } else if (!delegations.isEmpty()) {
            List<Edge> edges = new ArrayList<>();
            delegations.forEach((name, delegation) -> {
                if (delegatedByRoles.stream().noneMatch(e -> e.role().equals(name))) {
                    edges.add(new Edge("targets", name, delegation.key(), delegation.pattern()));
                }
            });
            putDelegations(signed, edges);
        }
        return put("targets", sign(signed, keys.get("targets")));
    }

    private static void putDelegations(ObjectNode signed, List<Edge> edges) {
        ObjectNode d = signed.putObject("delegations");
        ObjectNode keyMap = d.putObject("keys");
        var roles = d.putArray("roles");
        for (Edge edge : edges) {
            keyMap.set(keyId(edge.namedKey()), publicKey(edge.namedKey()).json());
            ObjectNode role = roles.addObject();
            role.put("name", edge.role());
            role.putArray("keyids").add(keyId(edge.namedKey()));
            role.put("threshold", 1);
            role.put("terminating", false);
            role.putArray("paths").add(edge.pattern());
        }
    }

    byte[] publishDelegated(String role) {
        Delegation delegation = delegations.get(role);
        ObjectNode signed = Json.object();
        signed.put("_type", "targets");
        signed.put("spec_version", "1.0.31");
        signed.put("version", versions.get(role));
        signed.put("expires", expires.get("targets").toString());
        putTargets(signed, delegation.targets());
        List<Edge> edges = delegatedByRoles.stream().filter(e -> e.delegator().equals(role)).toList();
        if (!edges.isEmpty()) putDelegations(signed, edges);
        return put(role, sign(signed, List.of(delegation.key())));
    }

    byte[] publishSnapshot() {
        ObjectNode signed = header("snapshot");
        ObjectNode meta = signed.putObject("meta");
        meta.putObject("targets.json").put("version", versions.get("targets"));
        delegations.keySet().forEach(role -> meta.putObject(role + ".json").put("version", versions.get(role)));
        return put("snapshot", sign(signed, keys.get("snapshot")));
    }

    byte[] publishTimestamp() {
        byte[] snapshot = files.get(metadataPath("snapshot", versions.get("snapshot")));
        ObjectNode signed = header("timestamp");
        ObjectNode entry = signed.putObject("meta").putObject("snapshot.json");
        entry.put("version", versions.get("snapshot"));
        entry.put("length", snapshot.length);
        entry.putObject("hashes").put("sha256", Digest.of(snapshot).hex());
        byte[] bytes = sign(signed, keys.get("timestamp"));
        files.put("/metadata/timestamp.json", bytes);
        return bytes;
    }

    /** Where the repository serves a role's current file: versioned names under consistent snapshots. */
    String metadataPath(String role, long version) {
        String quoted = dev.updater.tuf.Names.quote(role);
        return "/metadata/" + (consistentSnapshot ? version + "." : "") + quoted + ".json";
    }

    private byte[] put(String role, byte[] bytes) {
        files.put(metadataPath(role, versions.get(role)), bytes);
        return bytes;
    }

    private void putTargets(ObjectNode signed, Map<String, byte[]> content) {
        ObjectNode map = signed.putObject("targets");
        content.forEach((path, bytes) -> {
            ObjectNode entry = map.putObject(path);
            entry.put("length", bytes.length);
            entry.putObject("hashes").put("sha256", Digest.of(bytes).hex());
            int slash = path.lastIndexOf('/');
            String name = consistentSnapshot
                    ? path.substring(0, slash + 1) + Digest.of(bytes).hex() + "." + path.substring(slash + 1) : path;
            files.put("/targets/" + name, bytes);
        });
    }

    private ObjectNode header(String role) {
        ObjectNode signed = Json.object();
        signed.put("_type", role);
        signed.put("spec_version", "1.0.31");
        signed.put("version", versions.get(role));
        signed.put("expires", expires.get(role).toString());
        return signed;
    }

    static byte[] sign(ObjectNode signed, List<KeyPair> signers) {
        byte[] payload = TufJson.canonical(signed);
        List<Signature> signatures = new ArrayList<>();
        for (KeyPair pair : signers) {
            try {
                java.security.Signature signer = java.security.Signature.getInstance("Ed25519");
                signer.initSign(pair.getPrivate());
                signer.update(payload);
                signatures.add(new Signature(keyId(pair), HexFormat.of().formatHex(signer.sign())));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return Metadata.assemble(signed, signatures);
    }

    byte[] root(long version) {
        return files.get("/metadata/" + version + ".root.json");
    }
}
