package dev.updater.schema.tuf;

import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.util.HashSet;
import java.util.List;

/** Who may sign a role: key ids and how many of them (distinct) must sign. */
public record Role(List<String> keyIds, int threshold) {
    public Role {
        keyIds = List.copyOf(keyIds);
        if (threshold < 1) throw new IllegalArgumentException("threshold must be at least 1, got " + threshold);
        if (new HashSet<>(keyIds).size() != keyIds.size()) {
            throw new IllegalArgumentException("key ids of a role must be unique: " + keyIds);
        }
    }

    static Role read(JsonReader r) {
        try {
            return new Role(r.stringList("keyids"), r.intValue("threshold"));
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException(r.path(), e.getMessage());
        }
    }
}
