package dev.updater.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/** One chunk of a payload stored as a sequence of blobs: its digest and size, in payload order. */
public record ChunkDescriptor(Digest digest, long size) {
    static final Set<String> FIELDS = Set.of("digest", "size");

    public ChunkDescriptor {
        if (digest == null) throw new IllegalArgumentException("a chunk needs a digest");
        if (size <= 0) throw new IllegalArgumentException("a chunk has at least one byte");
    }

    ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("digest", digest.toString());
        n.put("size", size);
        return n;
    }

    static ChunkDescriptor read(JsonReader r) {
        r.onlyFields(FIELDS);
        long size = r.nonNegativeLong("size");
        if (size == 0) throw new ManifestFormatException(r.path("size"), "a chunk has at least one byte");
        return new ChunkDescriptor(r.digest("digest"), size);
    }
}
