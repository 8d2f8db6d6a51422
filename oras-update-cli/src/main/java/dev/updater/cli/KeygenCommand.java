package dev.updater.cli;

import dev.updater.registry.io.Durable;
import dev.updater.signing.CosignKeyFiles;
import dev.updater.signing.KeyAlgorithm;
import dev.updater.signing.Passwords;
import dev.updater.signing.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {
            "Create a signing key pair in cosign's format: NAME.key (the private key, encrypted with a password; "
                    + "file mode 0600) and NAME.pub (the public key, PEM 'PUBLIC KEY'). Both work with cosign too.",
            "",
            "The password comes from --password-file, else the UPDATE_PASSWORD environment variable, else a prompt "
                    + "on the terminal (asked twice). It is never taken from an argument and never printed.",
            ""},
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  update keygen                                  # ECDSA P-256 key pair cosign.key / cosign.pub",
            "  update keygen --algorithm ed25519 --output-prefix release",
            "  UPDATE_PASSWORD=... update keygen --output-prefix ci/signing",
            "",
            "Give NAME.pub to the devices ('update pull --key NAME.pub'); keep NAME.key and its password secret."})
final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--algorithm", paramLabel = "ALG", defaultValue = "ecdsa-p256",
            description = "ecdsa-p256 (cosign's default) or ed25519. Default: ${DEFAULT-VALUE}.")
    String algorithm;

    @Option(names = "--output-prefix", paramLabel = "NAME", defaultValue = "cosign",
            description = "Write NAME.key and NAME.pub. Default: ${DEFAULT-VALUE}.")
    String outputPrefix;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the password from FILE (one trailing newline is ignored).")
    Path passwordFile;

    @Option(names = "--force", description = "Replace existing NAME.key / NAME.pub.")
    boolean force;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        KeyAlgorithm keyAlgorithm;
        try {
            keyAlgorithm = KeyAlgorithm.fromCliName(algorithm);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Path privateFile = Path.of(outputPrefix + ".key");
        Path publicFile = Path.of(outputPrefix + ".pub");
        if (!force) {
            for (Path existing : new Path[] {privateFile, publicFile}) {
                if (Files.exists(existing)) {
                    throw new UsageException(existing + " exists already; pick another --output-prefix or pass"
                            + " --force to replace it");
                }
            }
        }
        char[] password = Passwords.fromProcess(Optional.ofNullable(passwordFile), "the new key " + privateFile,
                true).password();
        SigningKey key = SigningKey.generate(keyAlgorithm);
        byte[] encrypted;
        try {
            encrypted = CosignKeyFiles.encryptedPrivateKeyPem(key, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        // Each file appears complete with its final mode, or not at all: a private key is never world-readable.
        Durable.write(privateFile, encrypted, Durable.OWNER_ONLY);
        Durable.write(publicFile, key.publicKey().toPem(), PosixFilePermissions.fromString("rw-r--r--"));
        var out = spec.commandLine().getOut();
        output.say(out, "Private key written to " + privateFile + " (" + keyAlgorithm + ", encrypted)");
        output.say(out, "Public key written to " + publicFile + " (fingerprint " + key.publicKey().fingerprint() + ")");
        com.fasterxml.jackson.databind.node.ObjectNode n = dev.updater.schema.Json.object();
        n.put("privateKey", privateFile.toAbsolutePath().toString());
        n.put("publicKey", publicFile.toAbsolutePath().toString());
        n.put("algorithm", keyAlgorithm.toString());
        n.put("fingerprint", key.publicKey().fingerprint().toString());
        output.result(out, n);
        return ExitCode.OK;
    }
}
