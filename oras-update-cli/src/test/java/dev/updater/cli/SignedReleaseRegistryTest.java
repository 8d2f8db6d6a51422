package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.BlobSource;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.schema.Digest;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.Json;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.signing.CosignSignatureManifest;
import dev.updater.signing.KeylessBundleVerifier;
import dev.updater.signing.KeylessPolicy;
import dev.updater.signing.SignatureStore;
import dev.updater.signing.SignatureVerificationException;
import dev.updater.signing.SignatureVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing, verifying and signature-gated pulls through a real distribution registry, in-process CLI. */
class SignedReleaseRegistryTest {
    static LocalRegistry registry;
    @TempDir
    static Path keys;
    static Path passwordFile;
    static String alice;
    static String bob;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
        passwordFile = keys.resolve("password");
        Files.writeString(passwordFile, "test password\n");
        alice = keys.resolve("alice").toString();
        bob = keys.resolve("bob").toString();
        ok(CliRunner.run("keygen", "--output-prefix", alice, "--password-file", passwordFile.toString()));
        ok(CliRunner.run("keygen", "--algorithm", "ed25519", "--output-prefix", bob, "--password-file",
                passwordFile.toString()));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static CliRunner.Result ok(CliRunner.Result r) {
        assertEquals(ExitCode.OK, r.exitCode(), r::toString);
        return r;
    }

    private String repo(String name) {
        return registry.hostPort() + "/signed/" + name;
    }

    private Path payload(String name, long seed) throws Exception {
        byte[] bytes = new byte[20_000];
        new Random(seed).nextBytes(bytes);
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private JsonNode push(String repo, String version, Path file, String... extra) {
        String[] base = {"push", repo, "--plain-http", "--version", version, "--target", "t=" + file, "--json"};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        return Json.parse(ok(CliRunner.run(args)).out().getBytes(StandardCharsets.UTF_8), "push output");
    }

    private CliRunner.Result pull(String ref, Path out, String... trust) {
        String[] base = {"pull", ref, "--plain-http", "--target", "t", "--output", out.toString()};
        return CliRunner.run(java.util.stream.Stream.concat(java.util.Arrays.stream(base),
                java.util.Arrays.stream(trust)).toArray(String[]::new));
    }

    private static void assertRefused(CliRunner.Result r, String reason, Path out) throws Exception {
        assertEquals(ExitCode.VERIFICATION, r.exitCode(), r::toString);
        assertTrue(r.err().contains(reason), r::toString);
        assertFalse(Files.exists(out), "nothing may be written");
        if (Files.isDirectory(out.getParent())) {
            try (var files = Files.list(out.getParent())) {
                assertEquals(0, files.count(), "no partial file left behind");
            }
        }
    }

    private ReleaseStore open(String repo) {
        return ReleaseStores.open(StoreReference.parse(repo), ReleaseStores.Options.defaults().withPlainHttp(true));
    }

    @Test
    void signedReleasePullsAndVerifiesAndOtherKeysAreRefused() throws Exception {
        Path app = payload("app", 1);
        JsonNode pushed = push(repo("app"), "1.0.0", app, "--channel", "stable", "--key", alice + ".key",
                "--password-file", passwordFile.toString());
        String digest = pushed.get("digest").asText();
        assertEquals(CosignSignatureManifest.signatureTag(Digest.parse(digest)), pushed.get("signatureTag").asText());

        Path out = dir.resolve("out/app");
        ok(pull(repo("app") + ":stable", out, "--key", alice + ".pub"));
        assertArrayEquals(Files.readAllBytes(app), Files.readAllBytes(out));
        CliRunner.Result verified = ok(CliRunner.run("verify", repo("app") + ":1.0.0", "--plain-http", "--key",
                alice + ".pub"));
        assertTrue(verified.out().contains(digest), verified::toString);

        Path other = dir.resolve("other/app");
        assertRefused(pull(repo("app") + ":stable", other, "--key", bob + ".pub"), "signature invalid", other);
        assertEquals(ExitCode.VERIFICATION, CliRunner.run("verify", repo("app") + ":stable", "--plain-http",
                "--key", bob + ".pub").exitCode());
    }

    @Test
    void tagMovedToAnUnsignedManifestIsRefused() throws Exception {
        push(repo("moved"), "1.0.0", payload("good", 2), "--channel", "stable", "--key", alice + ".key",
                "--password-file", passwordFile.toString());
        JsonNode evil = push(repo("moved"), "6.6.6", payload("evil", 3), "--channel", "stable");

        Path out = dir.resolve("out/app");
        assertRefused(pull(repo("moved") + ":stable", out, "--key", alice + ".pub"), "no signatures found", out);

        // Copying the good release's signature manifest to the evil digest's tag does not help either.
        try (ReleaseStore store = open(repo("moved"))) {
            Digest good = store.fetchManifest("1.0.0").digest();
            byte[] signatures = store.fetchManifest(CosignSignatureManifest.signatureTag(good)).bytes();
            store.pushManifest(signatures, MediaTypes.OCI_MANIFEST,
                    CosignSignatureManifest.signatureTag(Digest.parse(evil.get("digest").asText())));
        }
        assertRefused(pull(repo("moved") + ":stable", out, "--key", alice + ".pub"), "signed digest differs", out);
    }

    @Test
    void deletedSignatureTagIsRefused() throws Exception {
        JsonNode pushed = push(repo("deleted"), "1.0.0", payload("app", 4), "--key", alice + ".key",
                "--password-file", passwordFile.toString());
        Digest release = Digest.parse(pushed.get("digest").asText());
        Path out = dir.resolve("out/app");
        ok(pull(repo("deleted") + ":1.0.0", out, "--key", alice + ".pub"));
        Files.delete(out);
        try (ReleaseStore store = open(repo("deleted"))) {
            store.deleteManifest(store.fetchManifest(CosignSignatureManifest.signatureTag(release)).digest());
        }
        assertRefused(pull(repo("deleted") + ":1.0.0", out, "--key", alice + ".pub"), "no signatures found", out);
    }

    @Test
    void swappedPayloadBlobIsRefusedAlthoughTheSignaturesVerify() throws Exception {
        JsonNode pushed = push(repo("swapped"), "1.0.0", payload("app", 5), "--key", alice + ".key",
                "--password-file", passwordFile.toString());
        Path blob = registry.blobFile(pushed.get("targets").get("t").get("digest").asText());
        byte[] other = new byte[(int) Files.size(blob)];
        new Random(99).nextBytes(other);
        Files.write(blob, other);

        ok(CliRunner.run("verify", repo("swapped") + ":1.0.0", "--plain-http", "--key", alice + ".pub"));
        Path out = dir.resolve("out/app");
        assertRefused(pull(repo("swapped") + ":1.0.0", out, "--key", alice + ".pub"), "failed verification", out);
    }

    @Test
    void thresholdOfTwoFailsWithOneSignatureAndPassesWithTwo() throws Exception {
        JsonNode pushed = push(repo("threshold"), "1.0.0", payload("app", 6), "--key", alice + ".key",
                "--password-file", passwordFile.toString());
        String[] both = {"--key", alice + ".pub", "--key", bob + ".pub", "--threshold", "2"};
        Path out = dir.resolve("out/app");
        assertRefused(pull(repo("threshold") + ":1.0.0", out, both), "threshold not met", out);

        ok(CliRunner.run("sign", repo("threshold") + ":1.0.0", "--plain-http", "--key", bob + ".key",
                "--password-file", passwordFile.toString()));
        ok(pull(repo("threshold") + ":1.0.0", out, both));
        ok(CliRunner.run("verify", repo("threshold") + "@" + pushed.get("digest").asText(), "--plain-http", both[0],
                both[1], both[2], both[3], both[4], both[5]));

        // Signing again kept alice's signature and added bob's; re-signing with bob adds nothing new for him.
        Digest release = Digest.parse(pushed.get("digest").asText());
        CliRunner.Result again = ok(CliRunner.run("sign", repo("threshold") + ":1.0.0", "--plain-http", "--key",
                bob + ".key", "--password-file", passwordFile.toString()));
        assertTrue(again.out().startsWith("Already signed"), again::toString);
        try (ReleaseStore store = open(repo("threshold"))) {
            assertEquals(2, new SignatureStore(store).existingSignatures(release).size());
        }
        ok(CliRunner.run("verify", repo("threshold") + ":1.0.0", "--plain-http", "--key", alice + ".pub"));
        CliRunner.Result three = CliRunner.run("verify", repo("threshold") + ":1.0.0", "--plain-http", both[0],
                both[1], both[2], both[3], "--threshold", "3");
        assertEquals(ExitCode.USAGE, three.exitCode(), three::toString);
    }

    @Test
    void wrongPasswordFailsBeforeAnythingIsUploaded() throws Exception {
        Path wrong = dir.resolve("wrong");
        Files.writeString(wrong, "not it");
        CliRunner.Result r = CliRunner.run("push", repo("wrongpw"), "--plain-http", "--version", "1.0.0",
                "--target", "t=" + payload("app", 7), "--key", alice + ".key", "--password-file", wrong.toString());
        assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
        assertTrue(r.err().contains("wrong password"), r::toString);
        try (ReleaseStore store = open(repo("wrongpw"))) {
            assertEquals(java.util.List.of(), store.listTags());
        } catch (dev.updater.registry.NotFoundException e) {
            // distribution answers 404 for a repository that never received anything: also fine
        }
    }

    @Test
    void signAndVerifyWorkOnAnOciLayoutToo() throws Exception {
        String layout = "oci:" + dir.resolve("layout");
        ok(CliRunner.run("push", layout, "--version", "1.0.0", "--target", "t=" + payload("app", 8)));
        ok(CliRunner.run("sign", layout + ":1.0.0", "--key", bob + ".key", "--password-file",
                passwordFile.toString()));
        ok(CliRunner.run("verify", layout + ":1.0.0", "--key", bob + ".pub"));
        Path out = dir.resolve("out/app");
        ok(CliRunner.run("pull", layout + ":1.0.0", "--target", "t", "--output", out.toString(), "--key",
                bob + ".pub"));
        assertEquals(ExitCode.VERIFICATION, CliRunner.run("verify", layout + ":1.0.0", "--key", alice + ".pub")
                .exitCode());
    }

    /** Attaches a Sigstore bundle to {@code subject} as cosign v3 does on registries without the referrers API. */
    private static void attachBundle(ReleaseStore store, Digest subject, byte[] bundle) {
        String bundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        OciDescriptor config = new OciDescriptor(MediaTypes.OCI_EMPTY, Digest.of(empty), empty.length);
        OciDescriptor layer = new OciDescriptor(bundleType, Digest.of(bundle), bundle.length);
        store.pushBlob(config, BlobSource.of(empty));
        store.pushBlob(layer, BlobSource.of(bundle));
        ImageManifest referrer = new ImageManifest(Optional.of(bundleType), config, java.util.List.of(layer),
                Optional.of(new OciDescriptor(MediaTypes.OCI_MANIFEST, subject, 1234)), Map.of());
        byte[] referrerBytes = referrer.toBytes();
        Digest referrerDigest = store.pushManifest(referrerBytes, MediaTypes.OCI_MANIFEST,
                Digest.of(referrerBytes).toString());
        ObjectNode index = Json.object();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ObjectNode entry = index.putArray("manifests").addObject();
        entry.put("mediaType", MediaTypes.OCI_MANIFEST);
        entry.put("digest", referrerDigest.toString());
        entry.put("size", referrerBytes.length);
        entry.put("artifactType", bundleType);
        store.pushManifest(Json.write(index), MediaTypes.OCI_INDEX, "sha256-" + subject.hex());
    }

    @Test
    void keySignedSigstoreBundleAsCosignV3WritesItVerifiesWithoutAClassicSignature() throws Exception {
        JsonNode pushed = push(repo("v3bundle"), "1.0.0", payload("app", 12));
        Digest release = Digest.parse(pushed.get("digest").asText());
        dev.updater.signing.SigningKey aliceKey = dev.updater.signing.CosignKeyFiles.readPrivateKey(
                Path.of(alice + ".key"), () -> "test password".toCharArray());
        try (ReleaseStore store = open(repo("v3bundle"))) {
            attachBundle(store, release, dev.updater.signing.SigningTestAccess.keyBundle(aliceKey, release));
        }
        ok(CliRunner.run("verify", repo("v3bundle") + ":1.0.0", "--plain-http", "--key", alice + ".pub"));
        Path out = dir.resolve("out/app");
        ok(pull(repo("v3bundle") + ":1.0.0", out, "--key", alice + ".pub"));
        CliRunner.Result other = CliRunner.run("verify", repo("v3bundle") + ":1.0.0", "--plain-http", "--key",
                bob + ".pub");
        assertEquals(ExitCode.VERIFICATION, other.exitCode(), other::toString);
        // Classic by bob plus bundle by alice: two distinct keys.
        ok(CliRunner.run("sign", repo("v3bundle") + ":1.0.0", "--plain-http", "--key", bob + ".key",
                "--password-file", passwordFile.toString()));
        ok(CliRunner.run("verify", repo("v3bundle") + ":1.0.0", "--plain-http", "--key", alice + ".pub", "--key",
                bob + ".pub", "--threshold", "2"));
    }

    @Test
    void keylessBundleIsFoundThroughTheReferrersTagFallback() throws Exception {
        Path vectors = dev.updater.signing.SigningTestAccess.vectors();
        byte[] bundle = Files.readAllBytes(vectors.resolve("cosign/oci-attestation.sigstore.json"));
        Digest subject = Digest.parse("sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4");
        try (ReleaseStore store = open(repo("keyless"))) {
            attachBundle(store, subject, bundle);
            Path root = vectors.resolve("cosign/trusted_root_pgi.json");
            SignatureStore signatures = new SignatureStore(store);
            signatures.verify(subject, KeylessPolicy.of(root,
                    new KeylessBundleVerifier.Identity("cody@soyland.com", "https://github.com/login/oauth")));
            SignatureVerificationException wrong = assertThrows(SignatureVerificationException.class,
                    () -> signatures.verify(subject, KeylessPolicy.of(root, new KeylessBundleVerifier.Identity(
                            "mallory@example.com", "https://github.com/login/oauth"))));
            assertEquals(Reason.SIGNATURE_INVALID, wrong.reason());
            assertEquals(Reason.NO_SIGNATURES, assertThrows(SignatureVerificationException.class,
                    () -> signatures.verify(Digest.ofUtf8("unsigned"), KeylessPolicy.of(root,
                            new KeylessBundleVerifier.Identity("cody@soyland.com", "https://github.com/login/oauth"))))
                    .reason());
        }
    }

    @Test
    void keylessPullOfAReleaseWithoutBundlesIsRefusedAndWritesNothing() throws Exception {
        push(repo("keyless-none"), "1.0.0", payload("app", 9), "--key", alice + ".key", "--password-file",
                passwordFile.toString());
        Path root = dev.updater.signing.SigningTestAccess.vectors().resolve("cosign/trusted_root_pgi.json");
        String[] keyless = {"--trusted-root", root.toString(), "--certificate-identity", "cody@soyland.com",
                "--certificate-oidc-issuer", "https://github.com/login/oauth"};
        Path out = dir.resolve("out/app");
        // A key signature is not a keyless one: the release has no Sigstore bundle.
        assertRefused(pull(repo("keyless-none") + ":1.0.0", out, keyless), "no Sigstore bundles found", out);
        CliRunner.Result verify = CliRunner.run(java.util.stream.Stream.concat(
                java.util.stream.Stream.of("verify", repo("keyless-none") + ":1.0.0", "--plain-http"),
                java.util.Arrays.stream(keyless)).toArray(String[]::new));
        assertEquals(ExitCode.VERIFICATION, verify.exitCode(), verify::toString);
    }

    @Test
    void installingRequiresTheSignaturesTooAndARefusalKeepsTheCurrentVersion() throws Exception {
        String layout = "oci:" + dir.resolve("install-layout");
        Path signedApp = payload("app-1", 10);
        ok(CliRunner.run("push", layout, "--version", "1.0.0", "--target", "t=" + signedApp, "--key", alice + ".key",
                "--password-file", passwordFile.toString()));
        ok(CliRunner.run("push", layout, "--version", "2.0.0", "--target", "t=" + payload("app-2", 11)));

        Path fresh = dir.resolve("fresh-device");
        CliRunner.Result wrongKey = CliRunner.run("pull", layout + ":1.0.0", "--target", "t", "--install-root",
                fresh.toString(), "--key", bob + ".pub");
        assertEquals(ExitCode.VERIFICATION, wrongKey.exitCode(), wrongKey::toString);
        assertFalse(Files.exists(fresh.resolve("current")), "nothing installed");

        Path device = dir.resolve("device");
        ok(CliRunner.run("pull", layout + ":1.0.0", "--target", "t", "--install-root", device.toString(), "--key",
                alice + ".pub"));
        CliRunner.Result unsigned = CliRunner.run("pull", layout + ":2.0.0", "--target", "t", "--install-root",
                device.toString(), "--key", alice + ".pub");
        assertEquals(ExitCode.VERIFICATION, unsigned.exitCode(), unsigned::toString);
        assertTrue(unsigned.err().contains("no signatures found"), unsigned::toString);
        try (var files = Files.list(device.resolve("current"))) {
            Path installed = files.filter(Files::isRegularFile).findFirst().orElseThrow();
            assertArrayEquals(Files.readAllBytes(signedApp), Files.readAllBytes(installed), "1.0.0 stays current");
        }
    }

    @Test
    void trustOptionsAreCheckedBeforeAnyNetworkUse() {
        CliRunner.Result mixed = CliRunner.run("verify", repo("x") + ":1", "--key", alice + ".pub",
                "--certificate-identity", "a@b");
        assertEquals(ExitCode.USAGE, mixed.exitCode(), mixed::toString);
        CliRunner.Result partial = CliRunner.run("verify", repo("x") + ":1", "--trusted-root", "/tmp/x.json");
        assertEquals(ExitCode.USAGE, partial.exitCode(), partial::toString);
        assertTrue(partial.err().contains("--certificate-oidc-issuer"), partial::toString);
        CliRunner.Result none = CliRunner.run("verify", repo("x") + ":1");
        assertEquals(ExitCode.USAGE, none.exitCode(), none::toString);
        CliRunner.Result privateAsPublic = CliRunner.run("verify", repo("x") + ":1", "--key", alice + ".key");
        assertEquals(ExitCode.USAGE, privateAsPublic.exitCode(), privateAsPublic::toString);
        assertTrue(privateAsPublic.err().contains("private key"), privateAsPublic::toString);
    }
}
