package dev.updater.signing;

import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Key-based signatures in Sigstore bundle form (what cosign v3 writes by default for {@code cosign sign --key}): a
 * DSSE envelope holding an in-toto statement about the release. A key qualifies when its signature over the DSSE
 * pre-authentication encoding verifies and the statement names the release digest as a subject. The bundle's
 * transparency-log entries are not checked here (as for classic signatures without {@code --rekor-key}).
 */
final class DsseBundleKeyVerifier {
    static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

    private DsseBundleKeyVerifier() {}

    /** The keys of {@code keys} that signed a statement about {@code release} in this bundle; empty if none. */
    static Set<VerificationKey> signers(byte[] bundleJson, Digest release, List<VerificationKey> keys) {
        Set<VerificationKey> signers = new LinkedHashSet<>();
        try {
            JsonReader bundle = JsonReader.root(Json.parse(bundleJson, "Sigstore bundle"));
            if (!bundle.has("dsseEnvelope")) {
                return signers; // a message-signature bundle signs other bytes than a release statement
            }
            JsonReader envelope = bundle.object("dsseEnvelope");
            String payloadType = envelope.string("payloadType");
            if (!payloadType.equals(IN_TOTO_PAYLOAD_TYPE)) {
                return signers;
            }
            byte[] payload = Base64.getDecoder().decode(envelope.string("payload"));
            byte[] signedBytes = preAuthenticationEncoding(payloadType, payload);
            for (JsonReader signature : envelope.objectList("signatures")) {
                byte[] sig = Base64.getDecoder().decode(signature.string("sig"));
                for (VerificationKey key : keys) {
                    if (key.verifies(signedBytes, sig)) {
                        signers.add(key);
                    }
                }
            }
            if (!signers.isEmpty() && !namesSubject(payload, release)) {
                signers.clear(); // signed, but about something else
            }
        } catch (ManifestFormatException | IllegalArgumentException e) {
            signers.clear(); // a malformed bundle qualifies no key
        }
        return signers;
    }

    /** DSSE v1 PAE: {@code "DSSEv1" SP len(type) SP type SP len(body) SP body}, lengths in ASCII decimal bytes. */
    static byte[] preAuthenticationEncoding(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static boolean namesSubject(byte[] statement, Digest release) {
        JsonReader root = JsonReader.root(Json.parse(statement, "in-toto statement"));
        for (JsonReader subject : root.objectList("subject")) {
            if (subject.has("digest") && release.hex().equals(subject.object("digest").string("sha256", ""))) {
                return true;
            }
        }
        return false;
    }
}
