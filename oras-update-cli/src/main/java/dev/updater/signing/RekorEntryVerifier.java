package dev.updater.signing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks the Rekor entry cosign attaches to a key-based signature ({@value CosignSignature#BUNDLE_ANNOTATION}),
 * offline: the signed entry timestamp is the log's signature over the canonical JSON of {body, integratedTime,
 * logID, logIndex} (keys sorted, no spaces); the log ID is the sha256 of the log's public key; the body is a
 * hashedrekord entry for exactly this payload hash, this signature and this signer's key.
 */
final class RekorEntryVerifier {
    private RekorEntryVerifier() {}

    /** Empty when the entry proves the signature was logged; otherwise why not. */
    static Optional<String> problem(CosignSignature signature, VerificationKey signer, VerificationKey rekorKey) {
        Optional<String> bundle = signature.rekorBundle();
        if (bundle.isEmpty()) {
            return Optional.of("the signature has no Rekor entry (" + CosignSignature.BUNDLE_ANNOTATION + ")");
        }
        try {
            JsonReader root = JsonReader.root(Json.parse(bundle.get().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "Rekor bundle"));
            byte[] set = Base64.getDecoder().decode(root.string("SignedEntryTimestamp"));
            JsonReader payload = root.object("Payload");
            String body = payload.string("body");
            String logId = payload.string("logID");
            ObjectNode canonical = Json.object();
            canonical.put("body", body);
            canonical.put("integratedTime", payload.longValue("integratedTime"));
            canonical.put("logID", logId);
            canonical.put("logIndex", payload.longValue("logIndex"));
            if (!logId.equals(rekorKey.fingerprint().hex())) {
                return Optional.of("the entry is from log " + logId + ", not from the Rekor key given");
            }
            if (!rekorKey.verifies(Json.write(canonical), set)) {
                return Optional.of("the Rekor signed entry timestamp does not verify with the Rekor key");
            }
            return bodyProblem(Base64.getDecoder().decode(body), signature, signer);
        } catch (ManifestFormatException | IllegalArgumentException e) {
            return Optional.of("the Rekor entry is malformed: " + e.getMessage());
        }
    }

    private static Optional<String> bodyProblem(byte[] body, CosignSignature signature, VerificationKey signer) {
        JsonReader entry = JsonReader.root(Json.parse(body, "Rekor entry body"));
        if (!entry.string("kind").equals("hashedrekord")) {
            return Optional.of("the Rekor entry is a '" + entry.string("kind") + "', expected 'hashedrekord'");
        }
        JsonReader spec = entry.object("spec");
        JsonReader hash = spec.object("data").object("hash");
        if (!hash.string("algorithm").equals(Digest.ALGORITHM)
                || !hash.string("value").equals(signature.payloadDigest().hex())) {
            return Optional.of("the Rekor entry logs another payload hash");
        }
        JsonReader loggedSignature = spec.object("signature");
        byte[] logged = Base64.getDecoder().decode(loggedSignature.string("content"));
        if (signature.signature().filter(s -> Arrays.equals(s, logged)).isEmpty()) {
            return Optional.of("the Rekor entry logs another signature");
        }
        byte[] loggedKeyPem = Base64.getDecoder().decode(loggedSignature.object("publicKey").string("content"));
        if (!VerificationKey.fromPem(loggedKeyPem, "Rekor entry").equals(signer)) {
            return Optional.of("the Rekor entry logs another public key");
        }
        return Optional.empty();
    }
}
