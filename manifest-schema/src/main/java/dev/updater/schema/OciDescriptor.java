package dev.updater.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** An OCI content descriptor: what a manifest says about one blob or manifest it points at. */
public record OciDescriptor(String mediaType, Digest digest, long size, Map<String, String> annotations,
        Optional<String> artifactType) {

    public OciDescriptor {
        if (mediaType == null || mediaType.isBlank()) {
            throw new IllegalArgumentException("a descriptor needs a media type");
        }
        if (digest == null) {
            throw new IllegalArgumentException("a descriptor needs a digest");
        }
        if (size < 0) {
            throw new IllegalArgumentException("a descriptor size cannot be negative: " + size);
        }
        annotations = Map.copyOf(new TreeMap<>(annotations));
        artifactType = artifactType == null ? Optional.empty() : artifactType;
    }

    public OciDescriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, Map.of(), Optional.empty());
    }

    public OciDescriptor withAnnotations(Map<String, String> more) {
        TreeMap<String, String> merged = new TreeMap<>(annotations);
        merged.putAll(more);
        return new OciDescriptor(mediaType, digest, size, merged, artifactType);
    }

    public Optional<String> annotation(String key) {
        return Optional.ofNullable(annotations.get(key));
    }

    ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("mediaType", mediaType);
        n.put("digest", digest.toString());
        n.put("size", size);
        artifactType.ifPresent(t -> n.put("artifactType", t));
        if (!annotations.isEmpty()) {
            ObjectNode a = n.putObject("annotations");
            new TreeMap<>(annotations).forEach(a::put);
        }
        return n;
    }

    /**
     * Reads a descriptor of a manifest or index; a missing, empty or blank media type, a digest that is not sha256,
     * or a size that is not a non-negative integer is a {@link ManifestFormatException} naming the field.
     */
    public static OciDescriptor read(JsonReader r) {
        // OCI descriptors may carry fields we do not use (urls, data, platform); they are ignored, not refused.
        String mediaType = r.string("mediaType");
        if (mediaType.isBlank()) {
            throw new ManifestFormatException(r.path("mediaType"), "empty media type (a descriptor must say what "
                    + "it points at)");
        }
        Optional<String> artifactType = Optional.ofNullable(r.string("artifactType", null));
        return new OciDescriptor(mediaType, r.digest("digest"), r.nonNegativeLong("size"),
                r.stringMap("annotations"), artifactType);
    }
}
