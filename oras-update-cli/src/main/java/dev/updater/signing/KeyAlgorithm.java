package dev.updater.signing;

import java.util.Arrays;

/** The two signature algorithms we sign and verify with; both are what cosign uses for these key types. */
public enum KeyAlgorithm {
    /** Ed25519 keys sign with Ed25519ph (RFC 8032 pre-hashed, SHA-512, empty context), as cosign does. */
    ED25519("ed25519"),
    /** ECDSA on P-256 with SHA-256, ASN.1 DER signatures: what {@code cosign generate-key-pair} keys make. */
    ECDSA_P256("ecdsa-p256");

    private final String cliName;

    KeyAlgorithm(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static KeyAlgorithm fromCliName(String name) {
        return Arrays.stream(values()).filter(a -> a.cliName.equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown key algorithm '" + name
                        + "' (use ed25519 or ecdsa-p256)"));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
