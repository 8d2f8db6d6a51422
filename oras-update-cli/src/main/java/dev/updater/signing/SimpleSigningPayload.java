package dev.updater.signing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;

/**
 * What a cosign classic signature signs: the "simple signing" JSON naming the repository and the manifest digest.
 * {@link #toBytes()} gives exactly the bytes cosign writes for the same two values; {@link #parse(byte[])} reads
 * any cosign payload (extra {@code optional} fields included) but is only ever called on bytes whose signature has
 * already been verified.
 */
public record SimpleSigningPayload(String dockerReference, Digest manifestDigest) {
    public static final String MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
    public static final String TYPE = "cosign container image signature";

    public SimpleSigningPayload {
        if (dockerReference == null || manifestDigest == null) {
            throw new IllegalArgumentException("a payload needs a docker reference and a manifest digest");
        }
    }

    public byte[] toBytes() {
        ObjectNode root = Json.object();
        ObjectNode critical = root.putObject("critical");
        critical.putObject("identity").put("docker-reference", dockerReference);
        critical.putObject("image").put("docker-manifest-digest", manifestDigest.toString());
        critical.put("type", TYPE);
        root.putNull("optional");
        return Json.write(root);
    }

    public static SimpleSigningPayload parse(byte[] bytes) {
        JsonReader critical = JsonReader.root(Json.parse(bytes, "cosign signature payload")).object("critical");
        String type = critical.string("type");
        if (!type.equals(TYPE)) {
            throw new ManifestFormatException("critical.type", "expected '" + TYPE + "', found '" + type + "'");
        }
        return new SimpleSigningPayload(critical.object("identity").string("docker-reference", ""),
                critical.object("image").digest("docker-manifest-digest"));
    }
}
