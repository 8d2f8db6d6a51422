package dev.updater.schema.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.schema.JsonReader;
import java.time.Instant;

/** Timestamp metadata: the short-lived pointer to the current snapshot. */
public record Timestamp(long version, String specVersion, Instant expires, MetaFile snapshotMeta, JsonNode json)
        implements Signed {
    public static final String TYPE = "timestamp";

    @Override
    public String type() {
        return TYPE;
    }

    static Timestamp read(JsonReader r) {
        SignedHeader header = SignedHeader.read(r, TYPE);
        MetaFile snapshot = MetaFile.read(r.object("meta").object("snapshot.json"));
        return new Timestamp(header.version(), header.specVersion(), header.expires(), snapshot, r.raw());
    }
}
