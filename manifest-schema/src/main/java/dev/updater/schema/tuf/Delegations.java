package dev.updater.schema.tuf;

import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code delegations} of targets metadata: keys and either the ordered delegated roles or succinct hash bins
 * (TAP 15; then {@code roles} is empty).
 */
public record Delegations(Map<String, Key> keys, List<DelegatedRole> roles, Optional<SuccinctRoles> succinctRoles) {
    /** One role to visit for a target: its name and whether the search stops below it. */
    public record Match(String name, boolean terminating) {}

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
        if (r.has("succinct_roles") == r.has("roles")) {
            throw new ManifestFormatException(r.path(), "needs exactly one of roles and succinct_roles");
        }
        Map<String, Key> keys = new LinkedHashMap<>();
        r.objectMap("keys").forEach((id, key) -> keys.put(id, Key.read(key)));
        List<DelegatedRole> roles = new ArrayList<>();
        if (r.has("roles")) {
            for (JsonReader role : r.objectList("roles")) {
                roles.add(DelegatedRole.read(role));
            }
        }
        Optional<SuccinctRoles> succinct = r.has("succinct_roles")
                ? Optional.of(SuccinctRoles.read(r.object("succinct_roles"))) : Optional.empty();
        try {
            return new Delegations(keys, roles, succinct);
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException(r.path(), e.getMessage());
        }
    }

    /** Roles that may speak for {@code targetPath}, in the order they must be visited (a hash bin terminates). */
    public List<Match> rolesFor(String targetPath) {
        if (succinctRoles.isPresent()) return List.of(new Match(succinctRoles.get().roleFor(targetPath), true));
        return roles.stream().filter(role -> role.isDelegatedPath(targetPath))
                .map(role -> new Match(role.name(), role.terminating())).toList();
    }

    /** Keys and threshold for {@code roleName}, if this delegates to it. */
    public Optional<Role> roleNamed(String roleName) {
        if (succinctRoles.isPresent()) {
            return succinctRoles.get().isDelegatedRole(roleName) ? Optional.of(succinctRoles.get().role())
                    : Optional.empty();
        }
        return roles.stream().filter(role -> role.name().equals(roleName)).findFirst().map(DelegatedRole::role);
    }
}
