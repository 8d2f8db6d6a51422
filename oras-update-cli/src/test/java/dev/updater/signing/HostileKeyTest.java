package dev.updater.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.cli.CliRunner;
import dev.updater.cli.ExitCode;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Random;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Public key files nobody should have to trust: every one either works or is a usage error (exit 2) naming the file
 * and what is wrong with it, never exit 1 and never a verification failure blamed on the Java runtime.
 */
class HostileKeyTest {
    private static final byte[] MESSAGE = "release digest payload".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private static SubjectPublicKeyInfo spki(byte[] der) {
        return SubjectPublicKeyInfo.getInstance(der);
    }

    /** The same P-256 key with its point in SEC1 compressed form (02/03 prefix, 33 bytes). */
    private static byte[] compressed(VerificationKey key) throws Exception {
        SubjectPublicKeyInfo info = spki(key.subjectPublicKeyInfo());
        byte[] point = ECNamedCurveTable.getByOID(X9ObjectIdentifiers.prime256v1).getCurve()
                .decodePoint(info.getPublicKeyData().getOctets()).getEncoded(true);
        assertEquals(33, point.length);
        return Pem.encode("PUBLIC KEY", new SubjectPublicKeyInfo(info.getAlgorithm(), point).getEncoded("DER"));
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    /** {@code update verify} loads the keys before it opens the store, so a missing layout never hides the key. */
    private static CliRunner.Result verifyWith(Path key) {
        return CliRunner.run("verify", "oci:" + key.resolveSibling("no-layout") + ":1.0.0", "--key", key.toString());
    }

    private static void assertRefusedAsUsage(CliRunner.Result r, Path key, String reason) {
        assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
        assertTrue(r.err().contains(key.toString()), r::toString);
        assertTrue(r.err().contains(reason), r::toString);
        assertFalse(r.err().contains("unexpected failure"), r::toString);
    }

    @Test
    void compressedP256PublicKeyVerifiesAndIsTheSameSignerAsItsUncompressedForm() throws Exception {
        SigningKey signer = SigningKey.generate(KeyAlgorithm.ECDSA_P256);
        Path file = write("compressed.pub", compressed(signer.publicKey()));

        VerificationKey loaded = CosignKeyFiles.readPublicKey(file);

        assertEquals(KeyAlgorithm.ECDSA_P256, loaded.algorithm());
        assertTrue(loaded.verifies(MESSAGE, signer.sign(MESSAGE)));
        assertFalse(loaded.verifies("another message".getBytes(StandardCharsets.UTF_8), signer.sign(MESSAGE)));
        assertEquals(signer.publicKey(), loaded); // one signer, whichever encoding: thresholds count it once
        assertEquals(signer.publicKey().fingerprint(), loaded.fingerprint());
    }

    @Test
    void compressedP256PublicKeyVerifiesASignedReleaseThroughTheCli() throws Exception {
        SigningKey signer = SigningKey.generate(KeyAlgorithm.ECDSA_P256);
        Path privateKey = write("release.key", Pem.encode("PRIVATE KEY", signer.pkcs8()));
        Path publicKey = write("release.pub", compressed(signer.publicKey()));
        Path app = write("app", new byte[] {1, 2, 3, 4});
        String layout = "oci:" + dir.resolve("layout");
        assertEquals(0, CliRunner.run("push", layout, "--version", "1.0.0", "--target", "linux=" + app).exitCode());
        CliRunner.Result signed = CliRunner.run("sign", layout + ":1.0.0", "--key", privateKey.toString());
        assertEquals(0, signed.exitCode(), signed::toString);

        CliRunner.Result verified = CliRunner.run("verify", layout + ":1.0.0", "--key", publicKey.toString());
        assertEquals(0, verified.exitCode(), verified::toString);
        assertTrue(verified.out().startsWith("Verified "), verified::toString);

        Path output = dir.resolve("pulled");
        CliRunner.Result pulled = CliRunner.run("pull", layout + ":1.0.0", "--target", "linux", "--output",
                output.toString(), "--key", publicKey.toString());
        assertEquals(0, pulled.exitCode(), pulled::toString);
        assertTrue(Arrays.equals(Files.readAllBytes(app), Files.readAllBytes(output)));
    }

    @Test
    void p256PointOffTheCurveIsAUsageError() throws Exception {
        SubjectPublicKeyInfo info = spki(SigningKey.generate(KeyAlgorithm.ECDSA_P256).publicKey().subjectPublicKeyInfo());
        byte[] point = info.getPublicKeyData().getOctets();
        point[64] ^= 1; // y no longer solves the curve equation for x
        Path file = write("off-curve.pub", Pem.encode("PUBLIC KEY",
                new SubjectPublicKeyInfo(info.getAlgorithm(), point).getEncoded("DER")));

        assertRefusedAsUsage(verifyWith(file), file, "not a point on the curve");
    }

    @Test
    void compressedPointWithAnXThatHasNoPointIsAUsageError() throws Exception {
        SubjectPublicKeyInfo info = spki(SigningKey.generate(KeyAlgorithm.ECDSA_P256).publicKey().subjectPublicKeyInfo());
        // About half of all x have no y on the curve; search one deterministically.
        var curve = ECNamedCurveTable.getByOID(X9ObjectIdentifiers.prime256v1).getCurve();
        byte[] point = new byte[33];
        point[0] = 2;
        for (int x = 1; ; x++) {
            byte[] xb = BigInteger.valueOf(x).toByteArray();
            Arrays.fill(point, 1, 33, (byte) 0);
            System.arraycopy(xb, 0, point, 33 - xb.length, xb.length);
            try {
                curve.decodePoint(point);
            } catch (IllegalArgumentException noPoint) {
                break;
            }
        }
        Path file = write("no-point.pub", Pem.encode("PUBLIC KEY",
                new SubjectPublicKeyInfo(info.getAlgorithm(), point).getEncoded("DER")));

        assertRefusedAsUsage(verifyWith(file), file, "not a point on the curve");
    }

    @Test
    void ed25519KeyOfTheWrongLengthIsAUsageError() throws Exception {
        byte[] shortKey = new byte[31];
        new Random(7).nextBytes(shortKey);
        Path file = write("short-ed25519.pub", Pem.encode("PUBLIC KEY", new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), shortKey).getEncoded("DER")));

        assertRefusedAsUsage(verifyWith(file), file, "not 32 bytes");
    }

    @Test
    void aKeyFileOfAGibibyteIsRefusedWithoutReadingIt() throws Exception {
        Path file = dir.resolve("huge.pub");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(1L << 30); // sparse: costs no disk
        }

        assertRefusedAsUsage(verifyWith(file), file, "too large for a key file");
    }

    /** These were already refused as usage errors before issue 12; kept here so the whole list stays covered. */
    @Test
    void garbageOtherCurvesRsaEmptyFilesAndDirectoriesAreUsageErrorsNamingTheProblem() throws Exception {
        Path garbage = write("garbage.pub", ("-----BEGIN PUBLIC KEY-----\nAAECAwQFBgcICQ==\n-----END PUBLIC KEY-----\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertRefusedAsUsage(verifyWith(garbage), garbage, "not a valid PKIX SubjectPublicKeyInfo");

        Path notBase64 = write("not-base64.pub", "-----BEGIN PUBLIC KEY-----\n%%%%\n-----END PUBLIC KEY-----\n"
                .getBytes(StandardCharsets.US_ASCII));
        // The MIME decoder skips characters outside the alphabet, so this is an empty key, not a base64 error.
        assertRefusedAsUsage(verifyWith(notBase64), notBase64, "not a valid PKIX SubjectPublicKeyInfo");

        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        Path p384File = write("p384.pub", Pem.encode("PUBLIC KEY", p384.generateKeyPair().getPublic().getEncoded()));
        assertRefusedAsUsage(verifyWith(p384File), p384File, "secp384r1");

        var k1 = ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp256k1);
        byte[] k1Point = k1.getG().multiply(BigInteger.valueOf(12345)).normalize().getEncoded(false);
        Path k1File = write("secp256k1.pub", Pem.encode("PUBLIC KEY", new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256k1), k1Point)
                .getEncoded("DER")));
        assertRefusedAsUsage(verifyWith(k1File), k1File, "secp256k1");

        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        Path rsaFile = write("rsa1024.pub", Pem.encode("PUBLIC KEY", rsa.generateKeyPair().getPublic().getEncoded()));
        assertRefusedAsUsage(verifyWith(rsaFile), rsaFile, "RSA public key; only Ed25519 and ECDSA P-256");

        Path empty = write("empty.pub", new byte[0]);
        assertRefusedAsUsage(verifyWith(empty), empty, "empty");

        Path directory = Files.createDirectory(dir.resolve("a-directory.pub"));
        assertRefusedAsUsage(verifyWith(directory), directory, "directory");
    }

    @Test
    void tufSigningKeysThatAreTooSmallTooLargeOrEmptyAreUsageErrors() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        Path keys = Files.createDirectory(dir.resolve("keys"));
        Files.write(keys.resolve("root.pem"), Pem.encode("PRIVATE KEY", rsa.generateKeyPair().getPrivate().getEncoded()));
        CliRunner.Result small = CliRunner.run("trust", "init", "--repo", dir.resolve("repo").toString(), "--keys",
                keys.toString());
        assertRefusedAsUsage(small, keys.resolve("root.pem"), "RSA key of 1024 bits, too small");

        try (RandomAccessFile sparse = new RandomAccessFile(keys.resolve("root.pem").toFile(), "rw")) {
            sparse.setLength(1L << 30);
        }
        CliRunner.Result huge = CliRunner.run("trust", "init", "--repo", dir.resolve("repo").toString(), "--keys",
                keys.toString());
        assertRefusedAsUsage(huge, keys.resolve("root.pem"), "too large to be a key file");

        Files.write(keys.resolve("root.pem"), new byte[0]);
        CliRunner.Result empty = CliRunner.run("trust", "init", "--repo", dir.resolve("repo").toString(), "--keys",
                keys.toString());
        assertRefusedAsUsage(empty, keys.resolve("root.pem"), "is empty");
        assertFalse(Files.exists(dir.resolve("repo/metadata/1.root.json")), "nothing published with a bad key");
    }
}
