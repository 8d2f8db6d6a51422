package dev.updater.signing;

import dev.updater.schema.Digest;
import java.nio.file.Path;

/** Lets tests in other packages use the cosign vectors and build test signatures. */
public final class SigningTestAccess {
    private SigningTestAccess() {}

    public static Path vectors() {
        return Vectors.root();
    }

    /** A key-signed Sigstore bundle (DSSE in-toto statement about {@code subject}), shaped like cosign v3's. */
    public static byte[] keyBundle(SigningKey key, Digest subject) {
        return DsseBundleKeyVerifierTest.keyBundle(key, subject);
    }
}
