package dev.updater.registry.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.CorruptLayoutException;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.UntrustedText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The entries of a layout's {@code index.json}, each read on its own: one damaged entry (an empty media type, a
 * digest that is not sha256, a negative size) makes only its own tag unusable, and is kept as it is when the index
 * is written back, so a publisher never silently drops what it could not read. An index that is not a JSON object
 * with a {@code manifests} array is damaged as a whole.
 */
final class LayoutIndex {
    static final String REF_NAME = "org.opencontainers.image.ref.name";

    /** One entry of {@code manifests}: its JSON as found, and either the descriptor or why it is unusable. */
    record Entry(JsonNode raw, Optional<OciDescriptor> descriptor, String problem, Optional<String> tag,
            String position) {
        boolean isUsable() {
            return descriptor.isPresent();
        }

        /** The digest the entry names, when it names a valid one (a damaged entry may still). */
        Optional<Digest> digest() {
            if (descriptor.isPresent()) return Optional.of(descriptor.get().digest());
            String text = raw.path("digest").asText("");
            return Digest.isValid(text) ? Optional.of(Digest.parse(text)) : Optional.empty();
        }

        String describe() {
            return "index.json entry " + position + tag.map(t -> " (tag " + UntrustedText.quote(t) + ")").orElse("")
                    + " is unusable: " + problem;
        }
    }

    private final ObjectNode root;
    private final List<Entry> entries;

    private LayoutIndex(ObjectNode root, List<Entry> entries) {
        this.root = root;
        this.entries = List.copyOf(entries);
    }

    static LayoutIndex empty() {
        ObjectNode root = Json.object();
        root.put("schemaVersion", 2);
        root.put("mediaType", MediaTypes.OCI_INDEX);
        root.putArray("manifests");
        return new LayoutIndex(root, List.of());
    }

    static LayoutIndex parse(byte[] bytes, String layout) {
        JsonNode node;
        try {
            node = Json.parse(bytes, "index.json");
        } catch (ManifestFormatException e) {
            throw new CorruptLayoutException(layout, e.getMessage());
        }
        if (!node.isObject()) {
            throw new CorruptLayoutException(layout, "index.json is a JSON " + node.getNodeType()
                    + ", not an image index object");
        }
        JsonNode manifests = node.path("manifests");
        if (manifests.isMissingNode() || manifests.isNull()) {
            return new LayoutIndex((ObjectNode) node, List.of());
        }
        if (!manifests.isArray()) {
            throw new CorruptLayoutException(layout, "the 'manifests' of index.json is a " + manifests.getNodeType()
                    + ", not an array of descriptors");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < manifests.size(); i++) {
            entries.add(readEntry(manifests.get(i), "manifests[" + i + "]"));
        }
        return new LayoutIndex((ObjectNode) node, entries);
    }

    private static Entry readEntry(JsonNode raw, String position) {
        JsonNode tagNode = raw.path("annotations").path(REF_NAME);
        Optional<String> tag = tagNode.isTextual() ? Optional.of(tagNode.textValue()) : Optional.empty();
        if (!raw.isObject()) {
            return new Entry(raw, Optional.empty(), "a JSON " + raw.getNodeType() + ", not a descriptor", tag,
                    position);
        }
        try {
            OciDescriptor d = OciDescriptor.read(JsonReader.root(raw, position));
            return new Entry(raw, Optional.of(d), "", tag, position);
        } catch (ManifestFormatException e) {
            return new Entry(raw, Optional.empty(), e.getMessage(), tag, position);
        }
    }

    List<Entry> entries() {
        return entries;
    }

    /**
     * The manifest a tag or digest names. A damaged entry under that name, or one tag on two different manifests,
     * is a {@link CorruptLayoutException}: which bytes a name means must never be a guess.
     */
    Optional<OciDescriptor> find(String tagOrDigest, String layout) {
        boolean byDigest = Digest.isValid(tagOrDigest);
        List<Entry> matches = entries.stream().filter(e -> byDigest
                ? e.digest().map(d -> d.toString().equals(tagOrDigest)).orElse(false)
                : e.tag().map(tagOrDigest::equals).orElse(false)).toList();
        if (byDigest && matches.stream().anyMatch(Entry::isUsable)) {
            // the bytes are checked against the digest whichever entry is used: a damaged second entry of the same
            // manifest (another tag on it) must not make the good one unusable
            matches = matches.stream().filter(Entry::isUsable).toList();
        }
        for (Entry e : matches) {
            if (!e.isUsable()) throw new CorruptLayoutException(layout, e.describe());
        }
        Set<Digest> digests = new LinkedHashSet<>();
        matches.forEach(e -> digests.add(e.descriptor().get().digest()));
        if (digests.size() > 1) {
            throw new CorruptLayoutException(layout, "index.json " + ambiguity(tagOrDigest));
        }
        return matches.isEmpty() ? Optional.empty() : matches.get(matches.size() - 1).descriptor();
    }

    /** Tags that resolve: on usable entries only, each once, and not given to two different manifests. */
    List<String> usableTags() {
        Map<String, Set<Digest>> digestsByTag = new LinkedHashMap<>();
        Set<String> damaged = new LinkedHashSet<>();
        for (Entry e : entries) {
            if (e.tag().isEmpty()) continue;
            if (e.isUsable()) {
                digestsByTag.computeIfAbsent(e.tag().get(), t -> new LinkedHashSet<>()).add(e.digest().get());
            } else {
                damaged.add(e.tag().get());
            }
        }
        return digestsByTag.entrySet().stream().filter(t -> t.getValue().size() == 1 && !damaged.contains(t.getKey()))
                .map(Map.Entry::getKey).toList();
    }

    /** What {@link #usableTags} left out and why, one line each, for a warning. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        entries.stream().filter(e -> !e.isUsable()).forEach(e -> problems.add(e.describe()));
        Map<String, Set<Digest>> digestsByTag = new LinkedHashMap<>();
        entries.stream().filter(e -> e.isUsable() && e.tag().isPresent()).forEach(e -> digestsByTag
                .computeIfAbsent(e.tag().get(), t -> new LinkedHashSet<>()).add(e.digest().get()));
        digestsByTag.forEach((tag, digests) -> {
            if (digests.size() > 1) problems.add(ambiguity(tag));
        });
        return problems;
    }

    private String ambiguity(String tag) {
        List<String> positions = entries.stream().filter(e -> e.tag().map(tag::equals).orElse(false))
                .map(Entry::position).toList();
        return "tag " + UntrustedText.quote(tag) + " names different manifests (" + String.join(", ", positions)
                + ")";
    }

    /** This index without the entries {@code dropped} matches, plus {@code added} at the end (if any). */
    LayoutIndex edit(Predicate<Entry> dropped, Optional<OciDescriptor> added) {
        List<Entry> kept = new ArrayList<>(entries.stream().filter(dropped.negate()).toList());
        added.ifPresent(d -> kept.add(new Entry(toJson(d), Optional.of(d), "", d.annotation(REF_NAME),
                "manifests[" + kept.size() + "]")));
        return new LayoutIndex(root, kept);
    }

    /** The index as JSON: its other fields and every entry kept as they were read (damaged ones included). */
    byte[] toBytes() {
        ObjectNode out = root.deepCopy();
        if (!out.has("schemaVersion")) out.put("schemaVersion", 2);
        if (!out.has("mediaType")) out.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = out.putArray("manifests");
        entries.forEach(e -> manifests.add(e.raw()));
        return Json.write(out);
    }

    private static ObjectNode toJson(OciDescriptor d) {
        ObjectNode m = Json.object();
        m.put("mediaType", d.mediaType());
        m.put("digest", d.digest().toString());
        m.put("size", d.size());
        d.artifactType().ifPresent(t -> m.put("artifactType", t));
        if (!d.annotations().isEmpty()) {
            ObjectNode a = m.putObject("annotations");
            d.annotations().forEach(a::put);
        }
        return m;
    }
}
