package dev.updater.signing;

/** A release is trusted when a Sigstore bundle for it verifies for this identity against the trusted root. */
public record KeylessPolicy(KeylessBundleVerifier verifier, KeylessBundleVerifier.Identity identity)
        implements TrustPolicy {
    public KeylessPolicy {
        if (verifier == null || identity == null) {
            throw new IllegalArgumentException("a keyless policy needs a verifier and an identity");
        }
    }

    public static KeylessPolicy of(java.nio.file.Path trustedRoot, KeylessBundleVerifier.Identity identity) {
        return new KeylessPolicy(KeylessBundleVerifier.create(trustedRoot, identity), identity);
    }

    @Override
    public String describe() {
        return "keyless signature by " + identity;
    }
}
