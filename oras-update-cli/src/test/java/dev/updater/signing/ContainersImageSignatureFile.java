package dev.updater.signing;

import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads containers/image's stored form of a cosign signature (the vectors): the bytes {@code \0sigstore-json\n}
 * then JSON {mimeType, payload (base64), annotations}; the annotations are the layer annotations cosign wrote.
 */
final class ContainersImageSignatureFile {
    private static final byte[] PREFIX = "\0sigstore-json\n".getBytes(StandardCharsets.US_ASCII);

    private ContainersImageSignatureFile() {}

    static CosignSignature read(byte[] file) {
        if (!Arrays.equals(Arrays.copyOf(file, PREFIX.length), PREFIX)) {
            throw new IllegalArgumentException("not a containers/image sigstore signature file");
        }
        JsonReader doc = JsonReader.root(Json.parse(Arrays.copyOfRange(file, PREFIX.length, file.length), "sig"));
        if (!doc.string("mimeType").equals(SimpleSigningPayload.MEDIA_TYPE)) {
            throw new IllegalArgumentException("unexpected mime type " + doc.string("mimeType"));
        }
        return new CosignSignature(Base64.getDecoder().decode(doc.string("payload")), doc.stringMap("annotations"));
    }

    static CosignSignature read(String vector) {
        return read(Vectors.bytes(vector));
    }
}
