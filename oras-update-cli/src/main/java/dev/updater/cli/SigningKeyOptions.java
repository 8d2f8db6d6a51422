package dev.updater.cli;

import dev.updater.signing.CosignKeyFiles;
import dev.updater.signing.Passwords;
import dev.updater.signing.SigningKey;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The private key a command signs with, and where its password comes from. */
public final class SigningKeyOptions {
    @Option(names = "--key", paramLabel = "NAME.key",
            description = "Sign with this private key: a cosign key file (ENCRYPTED SIGSTORE/COSIGN PRIVATE KEY, "
                    + "e.g. from 'update keygen' or 'cosign generate-key-pair') or an unencrypted PKCS#8 Ed25519 or "
                    + "P-256 key.")
    Path key;

    @Option(names = {"--password-file", "--key-password-file"}, paramLabel = "FILE",
            description = "Read the key's password from FILE; otherwise from UPDATE_PASSWORD, else a terminal prompt.")
    Path passwordFile;

    public boolean present() {
        return key != null;
    }

    /** Loads (and decrypts) the key; done before any upload so that a wrong password costs nothing. */
    public Optional<SigningKey> load() {
        if (key == null) {
            if (passwordFile != null) {
                throw new UsageException("--password-file is the password of a signing key: give --key too");
            }
            return Optional.empty();
        }
        return Optional.of(CosignKeyFiles.readPrivateKey(key,
                Passwords.fromProcess(Optional.ofNullable(passwordFile), "the signing key " + key, false)));
    }
}
