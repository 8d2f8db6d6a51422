package dev.updater.schema.tuf;

import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code delegations} of targets metadata: keys and the ordered delegated roles. */
public record Delegations(Map<String, Key> keys, List<DelegatedRole> roles) {
    private static final Set<String> TOP_LEVEL = Set.of("root", "timestamp", "snapshot", "targets");

    public Delegations {
        keys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        roles = List.copyOf(roles);
        Set<String> names = new HashSet<>();
        for (DelegatedRole role : roles) {
            if (!names.add(role.name())) {
                throw new IllegalArgumentException("delegated role '" + role.name() + "' is listed twice");
            }
            if (TOP_LEVEL.contains(role.name())) {
                throw new IllegalArgumentException("a delegated role cannot be named '" + role.name() + "'");
            }
        }
    }

    static Delegations read(JsonReader r) {
        if (r.has("succinct_roles")) {
            throw new ManifestFormatException(r.path("succinct_roles"), "succinct hash bin delegations are not "
                    + "supported by this client; the publisher must use explicit delegated roles");
        }
        Map<String, Key> keys = new LinkedHashMap<>();
        r.objectMap("keys").forEach((id, key) -> keys.put(id, Key.read(key)));
        List<DelegatedRole> roles = new ArrayList<>();
        for (JsonReader role : r.objectList("roles")) {
            roles.add(DelegatedRole.read(role));
        }
        try {
            return new Delegations(keys, roles);
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException(r.path(), e.getMessage());
        }
    }

    /** Delegated roles that may speak for {@code targetPath}, in the order they must be visited. */
    public List<DelegatedRole> rolesFor(String targetPath) {
        return roles.stream().filter(role -> role.isDelegatedPath(targetPath)).toList();
    }
}
