package dev.updater.schema.tuf;

/** One entry of {@code signatures}: the key id and the hex signature over the canonical {@code signed}. */
public record Signature(String keyId, String sig) {
    public Signature {
        if (keyId == null || sig == null) throw new IllegalArgumentException("keyid and sig are required");
    }
}
