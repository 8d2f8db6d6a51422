package dev.updater.schema.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.schema.JsonReader;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Targets metadata (top-level or delegated): target files and, optionally, further delegations. */
public record Targets(long version, String specVersion, Instant expires, Map<String, TargetFile> targets,
                      Optional<Delegations> delegations, JsonNode json) implements Signed {
    public static final String TYPE = "targets";

    public Targets {
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
    }

    @Override
    public String type() {
        return TYPE;
    }

    static Targets read(JsonReader r) {
        SignedHeader header = SignedHeader.read(r, TYPE);
        Map<String, TargetFile> targets = new LinkedHashMap<>();
        r.objectMap("targets").forEach((path, entry) -> targets.put(path, TargetFile.read(path, entry)));
        Optional<Delegations> delegations = r.has("delegations")
                ? Optional.of(Delegations.read(r.object("delegations"))) : Optional.empty();
        return new Targets(header.version(), header.specVersion(), header.expires(), targets, delegations, r.raw());
    }

    /**
     * Throws {@link UnsignedMetadataException} unless the threshold of distinct keys this role delegates to
     * {@code roleName} signed {@code metadata}.
     */
    public void verifyDelegate(String delegatorName, String roleName, Metadata<?> metadata) {
        Delegations d = delegations.orElseThrow(() -> new RepositoryInconsistencyException(roleName,
                "'" + delegatorName + "' delegates to no role, so '" + roleName + "' cannot be verified"));
        Role role = d.roleNamed(roleName).orElseThrow(() -> new RepositoryInconsistencyException(roleName,
                "'" + delegatorName + "' does not delegate to '" + roleName + "'"));
        SignatureThreshold.verify(roleName, delegatorName + " v" + version, d.keys(), role, metadata);
    }
}
