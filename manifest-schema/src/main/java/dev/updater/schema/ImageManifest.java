package dev.updater.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An OCI image manifest (image-spec 1.1), the top-level document of a release and of a signature. Serialisation is
 * deterministic: fixed field order, annotations sorted, compact. The digest of a release is the sha256 of exactly
 * these bytes.
 */
public record ImageManifest(Optional<String> artifactType, OciDescriptor config, List<OciDescriptor> layers,
        Optional<OciDescriptor> subject, Map<String, String> annotations) {

    public ImageManifest {
        if (config == null) {
            throw new IllegalArgumentException("an image manifest needs a config descriptor");
        }
        artifactType = artifactType == null ? Optional.empty() : artifactType;
        subject = subject == null ? Optional.empty() : subject;
        layers = List.copyOf(layers);
        annotations = Map.copyOf(new TreeMap<>(annotations));
    }

    public byte[] toBytes() {
        ObjectNode n = Json.object();
        n.put("schemaVersion", 2);
        n.put("mediaType", MediaTypes.OCI_MANIFEST);
        artifactType.ifPresent(t -> n.put("artifactType", t));
        n.set("config", config.toJson());
        ArrayNode l = n.putArray("layers");
        layers.forEach(d -> l.add(d.toJson()));
        subject.ifPresent(s -> n.set("subject", s.toJson()));
        if (!annotations.isEmpty()) {
            ObjectNode a = n.putObject("annotations");
            new TreeMap<>(annotations).forEach(a::put);
        }
        return Json.write(n);
    }

    public Optional<String> annotation(String key) {
        return Optional.ofNullable(annotations.get(key));
    }

    /** Parses an OCI image manifest; other manifest kinds (index, Docker schema 2) are refused with their type. */
    public static ImageManifest parse(byte[] bytes) {
        JsonNode node = Json.parse(bytes, "OCI manifest");
        JsonReader r = JsonReader.root(node);
        if (r.intValue("schemaVersion") != 2) {
            throw new ManifestFormatException("schemaVersion", "an OCI image manifest has schemaVersion 2");
        }
        String mediaType = r.string("mediaType", MediaTypes.OCI_MANIFEST);
        if (!mediaType.equals(MediaTypes.OCI_MANIFEST)) {
            throw new ManifestFormatException("mediaType", "expected " + MediaTypes.OCI_MANIFEST + ", found "
                    + mediaType + " (this is not an update release)");
        }
        OciDescriptor config = OciDescriptor.read(r.object("config"));
        List<OciDescriptor> layers = r.has("layers")
                ? r.objectList("layers").stream().map(OciDescriptor::read).toList() : List.of();
        Optional<OciDescriptor> subject = r.has("subject")
                ? Optional.of(OciDescriptor.read(r.object("subject"))) : Optional.empty();
        return new ImageManifest(Optional.ofNullable(r.string("artifactType", null)), config, layers, subject,
                r.stringMap("annotations"));
    }
}
