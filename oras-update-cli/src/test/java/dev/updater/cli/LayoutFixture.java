package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Edits an OCI layout directory on disk the way an attacker (or a broken tool) would, below the store's API: blobs
 * and {@code index.json} are rewritten as bytes, and {@link #replaceBlob} keeps every reference consistent (the
 * digest and size in each manifest and index entry that names the old blob), so a test reaches the parser it aims
 * at instead of a digest check.
 */
final class LayoutFixture {
    final Path root;

    LayoutFixture(Path root) {
        this.root = root;
    }

    Path blob(Digest digest) {
        return root.resolve("blobs/sha256").resolve(digest.hex());
    }

    byte[] read(Digest digest) throws IOException {
        return Files.readAllBytes(blob(digest));
    }

    ObjectNode index() throws IOException {
        return (ObjectNode) Json.parse(Files.readAllBytes(root.resolve("index.json")), "index.json");
    }

    void writeIndex(ObjectNode index) throws IOException {
        Files.write(root.resolve("index.json"), Json.write(index));
    }

    /** The index entry of {@code tag}. */
    ObjectNode entry(ObjectNode index, String tag) {
        for (var m : index.get("manifests")) {
            if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText(null))) {
                return (ObjectNode) m;
            }
        }
        throw new IllegalArgumentException("no tag " + tag);
    }

    Digest manifestDigest(String tag) throws IOException {
        return Digest.parse(entry(index(), tag).get("digest").asText());
    }

    /** The manifest of a tag as JSON. */
    ObjectNode manifest(String tag) throws IOException {
        return (ObjectNode) Json.parse(read(manifestDigest(tag)), "manifest");
    }

    Digest configDigest(String tag) throws IOException {
        return Digest.parse(manifest(tag).get("config").get("digest").asText());
    }

    /**
     * Stores {@code replacement} as a new blob and points every manifest and index entry that named {@code old} at
     * it (digest and size), re-hashing each manifest so changed, up to {@code index.json}. The old blob stays.
     * Returns the new digest.
     */
    Digest replaceBlob(Digest old, byte[] replacement) throws IOException {
        return replaceBlob(old, replacement, new java.util.HashSet<>());
    }

    /** {@code written}: blobs this replacement made; never rewritten again (a mutation may make a cycle). */
    private Digest replaceBlob(Digest old, byte[] replacement, java.util.Set<String> written) throws IOException {
        Digest fresh = Digest.of(replacement);
        Files.write(blob(fresh), replacement);
        written.add(fresh.hex());
        if (fresh.equals(old)) return fresh;
        // manifests (and indexes) naming the old blob, found by their text; each rewritten is replaced in turn
        try (Stream<Path> blobs = Files.list(root.resolve("blobs/sha256"))) {
            for (Path file : blobs.sorted(Comparator.naturalOrder()).toList()) {
                if (!Files.isRegularFile(file) || Files.size(file) > 4 << 20) continue;
                String text = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (written.contains(file.getFileName().toString()) || !text.contains(old.toString())) continue;
                byte[] rewritten;
                try {
                    var node = Json.parse(Files.readAllBytes(file), "blob");
                    if (!repoint(node, old, fresh, replacement.length)) continue;
                    rewritten = Json.write(node);
                } catch (RuntimeException notJson) {
                    continue;
                }
                replaceBlob(Digest.parse("sha256:" + file.getFileName()), rewritten, written);
            }
        }
        ObjectNode index = index();
        if (repoint(index, old, fresh, replacement.length)) writeIndex(index);
        return fresh;
    }

    /** Points every descriptor in {@code node} that names {@code old} at {@code fresh}; true if any did. */
    private static boolean repoint(com.fasterxml.jackson.databind.JsonNode node, Digest old, Digest fresh, long size) {
        boolean changed = false;
        if (node instanceof ObjectNode o) {
            if (o.path("digest").isTextual() && o.get("digest").asText().equals(old.toString())) {
                o.put("digest", fresh.toString());
                if (o.has("size")) o.put("size", size);
                changed = true;
            }
            for (var it = o.fields(); it.hasNext(); ) {
                changed |= repoint(it.next().getValue(), old, fresh, size);
            }
        } else if (node instanceof ArrayNode a) {
            for (var item : a) changed |= repoint(item, old, fresh, size);
        }
        return changed;
    }
}
