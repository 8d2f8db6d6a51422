package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.signing.CosignKeyFiles;
import dev.updater.signing.KeyAlgorithm;
import dev.updater.signing.KeyFileException;
import dev.updater.signing.SigningKey;
import dev.updater.signing.VerificationKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter out, StringWriter err, String... args) {
        return Main.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void aPasswordFileThatIsADeviceOrHugeIsAUsageErrorNotAnOutOfMemory() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "keygen", "--output-prefix", dir.resolve("k").toString(), "--password-file",
                "/dev/zero");
        assertEquals(ExitCode.USAGE, code, err.toString());
        assertTrue(err.toString().contains("/dev/zero") && err.toString().contains("bytes"), err.toString());
        assertFalse(Files.exists(dir.resolve("k.key")));
    }

    @Test
    void keygenWritesAnEncryptedKeyOnlyTheOwnerCanReadAndItsPublicKey() throws Exception {
        for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
            Path passwordFile = dir.resolve("pw-" + algorithm);
            Files.writeString(passwordFile, "correct horse\n");
            String prefix = dir.resolve("release-" + algorithm).toString();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = run(out, err, "keygen", "--algorithm", algorithm.cliName(), "--output-prefix", prefix,
                    "--password-file", passwordFile.toString());
            assertEquals(ExitCode.OK, code, err.toString());
            assertFalse(out.toString().contains("correct horse"));

            Path keyFile = Path.of(prefix + ".key");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
            assertTrue(Files.readString(keyFile).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
            assertFalse(Files.readString(keyFile).contains("correct horse"));

            SigningKey key = CosignKeyFiles.readPrivateKey(keyFile, () -> "correct horse".toCharArray());
            assertEquals(algorithm, key.algorithm());
            VerificationKey pub = CosignKeyFiles.readPublicKey(Path.of(prefix + ".pub"));
            assertEquals(key.publicKey(), pub);
            byte[] message = "m".getBytes(StandardCharsets.UTF_8);
            assertTrue(pub.verifies(message, key.sign(message)));
            assertThrows(KeyFileException.class,
                    () -> CosignKeyFiles.readPrivateKey(keyFile, () -> "correct horse\n".toCharArray()));
        }
    }

    @Test
    void keygenRefusesToOverwriteAndToGuessAnAlgorithm() throws Exception {
        Path passwordFile = dir.resolve("pw");
        Files.writeString(passwordFile, "pw");
        String prefix = dir.resolve("k").toString();
        Files.writeString(Path.of(prefix + ".key"), "precious");
        StringWriter err = new StringWriter();
        assertEquals(ExitCode.USAGE, run(new StringWriter(), err, "keygen", "--output-prefix", prefix,
                "--password-file", passwordFile.toString()));
        assertTrue(err.toString().contains("exists already"), err.toString());
        assertEquals("precious", Files.readString(Path.of(prefix + ".key")));

        StringWriter err2 = new StringWriter();
        assertEquals(ExitCode.USAGE, run(new StringWriter(), err2, "keygen", "--algorithm", "rsa",
                "--output-prefix", dir.resolve("x").toString(), "--password-file", passwordFile.toString()));
        assertTrue(err2.toString().contains("unknown key algorithm 'rsa'"), err2.toString());
        assertFalse(Files.exists(dir.resolve("x.key")));
    }
}
