package dev.updater.signing;

import dev.updater.schema.Digest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One signature of cosign's classic layout: the payload layer's bytes and the layer's annotations, of which
 * {@value #SIGNATURE_ANNOTATION} holds the base64 signature and {@value #BUNDLE_ANNOTATION}, when cosign uploaded to
 * Rekor, the transparency-log entry with its signed entry timestamp.
 */
public final class CosignSignature {
    public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    public static final String BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle";

    private final byte[] payload;
    private final Map<String, String> annotations;

    public CosignSignature(byte[] payload, Map<String, String> annotations) {
        if (!annotations.containsKey(SIGNATURE_ANNOTATION)) {
            throw new IllegalArgumentException("a cosign signature layer needs the " + SIGNATURE_ANNOTATION
                    + " annotation");
        }
        this.payload = payload.clone();
        this.annotations = Map.copyOf(new TreeMap<>(annotations));
    }

    /** Signs {@code payload} with {@code key}; the annotation carries the base64 signature, as cosign writes it. */
    public static CosignSignature sign(SimpleSigningPayload payload, SigningKey key) {
        byte[] bytes = payload.toBytes();
        return new CosignSignature(bytes,
                Map.of(SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(key.sign(bytes))));
    }

    public byte[] payload() {
        return payload.clone();
    }

    public Digest payloadDigest() {
        return Digest.of(payload);
    }

    public Map<String, String> annotations() {
        return annotations;
    }

    public String signatureBase64() {
        return annotations.get(SIGNATURE_ANNOTATION);
    }

    /** The raw signature bytes, or empty when the annotation is not base64 (such a signature never verifies). */
    public Optional<byte[]> signature() {
        try {
            return Optional.of(Base64.getDecoder().decode(signatureBase64().trim()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public Optional<String> rekorBundle() {
        return Optional.ofNullable(annotations.get(BUNDLE_ANNOTATION));
    }

    public boolean isSignedBy(VerificationKey key) {
        return signature().map(s -> key.verifies(payload, s)).orElse(false);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CosignSignature other && Arrays.equals(payload, other.payload)
                && annotations.equals(other.annotations);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(payload) + annotations.hashCode();
    }

    @Override
    public String toString() {
        return "cosign signature over payload " + payloadDigest().shortForm();
    }
}
