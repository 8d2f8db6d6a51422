package dev.updater.schema.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Root metadata: the keys and thresholds of the four top-level roles, and whether snapshots are consistent. */
public record Root(long version, String specVersion, Instant expires, boolean consistentSnapshot,
                   Map<String, Key> keys, Map<String, Role> roles, JsonNode json) implements Signed {
    public static final String TYPE = "root";
    static final Set<String> TOP_LEVEL_ROLES = Set.of("root", "timestamp", "snapshot", "targets");

    public Root {
        keys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        roles = Map.copyOf(roles);
        if (!roles.keySet().equals(TOP_LEVEL_ROLES)) {
            throw new IllegalArgumentException("root must list exactly the roles root, timestamp, snapshot and "
                    + "targets, found " + new java.util.TreeSet<>(roles.keySet()));
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    static Root read(JsonReader r) {
        SignedHeader header = SignedHeader.read(r, TYPE);
        Map<String, Key> keys = new LinkedHashMap<>();
        r.objectMap("keys").forEach((id, key) -> keys.put(id, Key.read(key)));
        Map<String, Role> roles = new LinkedHashMap<>();
        r.objectMap("roles").forEach((name, role) -> roles.put(name, Role.read(role)));
        try {
            return new Root(header.version(), header.specVersion(), header.expires(),
                    r.bool("consistent_snapshot", false), keys, roles, r.raw());
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException(r.path("roles"), e.getMessage());
        }
    }

    public Role role(String name) {
        Role role = roles.get(name);
        if (role == null) throw new IllegalArgumentException("not a top-level role: " + name);
        return role;
    }

    public Optional<Key> key(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    /**
     * Throws {@link UnsignedMetadataException} unless at least the threshold of distinct keys this root lists for
     * top-level role {@code roleName} signed {@code metadata}.
     */
    public void verifyDelegate(String roleName, Metadata<?> metadata) {
        Role role = role(roleName);
        SignatureThreshold.verify(roleName, "root v" + version, keys, role, metadata);
    }

    /** How many distinct keys this root lists for {@code roleName} validly signed {@code metadata}. */
    public int validSignatures(String roleName, Metadata<?> metadata) {
        return SignatureThreshold.countValid(keys, role(roleName), metadata);
    }

    /** Whether {@code other} lists different keys or threshold for {@code roleName} (a key rotation). */
    public boolean roleKeysDiffer(Root other, String roleName) {
        Role mine = role(roleName);
        Role theirs = other.role(roleName);
        if (mine.threshold() != theirs.threshold()) return true;
        if (!new java.util.HashSet<>(mine.keyIds()).equals(new java.util.HashSet<>(theirs.keyIds()))) return true;
        for (String id : mine.keyIds()) {
            if (!java.util.Objects.equals(keys.get(id), other.keys.get(id))) return true;
        }
        return false;
    }
}
