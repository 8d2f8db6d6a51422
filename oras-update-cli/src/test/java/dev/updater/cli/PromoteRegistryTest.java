package dev.updater.cli;

import static dev.updater.cli.RolloutRegistryTest.json;
import static dev.updater.cli.RolloutRegistryTest.ok;
import static dev.updater.cli.RolloutRegistryTest.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.BlobSource;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.testing.FaultProxy;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** update promote on a real registry: channels move to published releases, signed, with nothing re-uploaded. */
class PromoteRegistryTest {
    static LocalRegistry registry;
    static FaultProxy proxy;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
        proxy = new FaultProxy(registry.port());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        registry.close();
    }

    private JsonNode push(String repo, String version, long seed, String... extra) throws Exception {
        byte[] bytes = new byte[5_000];
        new Random(seed).nextBytes(bytes);
        Path file = Files.createDirectories(dir.resolve("b-" + version)).resolve("app");
        Files.write(file, bytes);
        return json(ok(with(new String[] {"push", repo, "--version", version, "--target", "t=" + file,
            "--delta-from", "0", "--json", "--plain-http"}, extra)));
    }

    private static String manifestDigest(String repo, String tag) {
        try (ReleaseStore s = ReleaseStores.open(StoreReference.parse(repo),
                ReleaseStores.Options.defaults().withPlainHttp(true))) {
            return s.resolve(tag).digest().toString();
        }
    }

    private static void moveTag(String repo, String fromTag, String toTag) {
        try (ReleaseStore s = ReleaseStores.open(StoreReference.parse(repo),
                ReleaseStores.Options.defaults().withPlainHttp(true))) {
            s.pushManifest(s.fetchManifest(fromTag).bytes(), MediaTypes.OCI_MANIFEST, toTag);
        }
    }

    /**
     * What an operator with write access but no keys can do: put another release of the same version (pushed
     * elsewhere) under the version tag, blobs first.
     */
    private static void copyRelease(String fromRepo, String toRepo, String tag) throws Exception {
        try (ReleaseStore from = ReleaseStores.open(StoreReference.parse(fromRepo),
                ReleaseStores.Options.defaults().withPlainHttp(true));
                ReleaseStore to = ReleaseStores.openForPush(StoreReference.parse(toRepo),
                        ReleaseStores.Options.defaults().withPlainHttp(true))) {
            byte[] manifest = from.fetchManifest(tag).bytes();
            ImageManifest parsed = ImageManifest.parse(manifest);
            List<OciDescriptor> blobs = new ArrayList<>(parsed.layers());
            blobs.add(parsed.config());
            for (OciDescriptor blob : blobs) {
                byte[] bytes;
                try (InputStream in = from.openBlob(blob)) {
                    bytes = in.readAllBytes();
                }
                to.pushBlob(blob, BlobSource.of(bytes));
            }
            to.pushManifest(manifest, MediaTypes.OCI_MANIFEST, tag);
        }
    }

    @Test
    void promote_with_tuf_signs_the_channel_and_uploads_no_payload() throws Exception {
        String repo = proxy.hostPort() + "/promote/app";
        Path keys = dir.resolve("keys");
        Path work = dir.resolve("work");
        ok("trust", "init", "--registry", repo, "--repo", work.toString(), "--keys", keys.toString(), "--plain-http");
        String[] trust = {"--trust-keys", keys.toString()};
        JsonNode v1 = push(repo, "1.0.0", 1, with(trust, "--channel", "beta"));
        String payload = v1.path("targets").path("t").path("digest").asText();

        proxy.setFault((m, p, n) -> FaultProxy.pass());
        JsonNode promoted = json(ok(with(new String[] {"promote", repo + ":1.0.0", "--channel", "stable", "--percent",
            "5", "--json", "--plain-http"}, trust)));
        assertEquals(v1.path("digest").asText(), promoted.path("digest").asText());
        assertEquals(500, promoted.path("rollout").path("basisPoints").asInt());
        for (String request : proxy.requests()) {
            assertFalse(request.contains(payload.substring("sha256:".length())), request);
        }
        assertEquals(v1.path("digest").asText(), manifestDigest(repo, "stable"));

        // a device with trust sees the channel in the signed targets, at 5 %
        Path state = dir.resolve("device");
        ok("trust", "bootstrap", work.resolve("metadata/1.root.json").toString(), "--state-dir", state.toString());
        JsonNode check = json(ok("check", repo + ":stable", "--target", "t", "--state-dir", state.toString(),
                "--device-id", "d-1", "--json", "--plain-http"));
        assertEquals(500, check.path("rollout").path("basisPoints").asInt(), check::toString);
        assertEquals("1.0.0", check.path("candidateVersion").asText());

        // the version tag moved (by someone without the keys) to another release: of another version, or of the same
        // version but not the one the signed targets list
        push(repo, "9.0.0", 9, "--no-trust");
        moveTag(repo, "9.0.0", "1.0.0");
        CliRunner.Result otherVersion = CliRunner.run(with(new String[] {"promote", repo + ":1.0.0", "--channel",
            "lts", "--plain-http"}, trust));
        assertEquals(ExitCode.STATE, otherVersion.exitCode(), otherVersion::toString);
        String elsewhere = registry.hostPort() + "/promote/elsewhere";
        push(elsewhere, "1.0.0", 99);
        copyRelease(elsewhere, repo, "1.0.0");
        CliRunner.Result refused = CliRunner.run(with(new String[] {"promote", repo + ":1.0.0", "--channel",
            "lts", "--plain-http"}, trust));
        assertEquals(ExitCode.NOT_FOUND, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("nothing was changed"), refused::toString);
        CliRunner.Result noLts = CliRunner.run("check", repo + ":lts", "--target", "t", "--state-dir",
                state.toString(), "--device-id", "d-1", "--json", "--plain-http");
        assertEquals(ExitCode.NOT_FOUND, noLts.exitCode(), noLts::toString);

        // a push with --percent signs its channel entry's rollout in the same targets version
        push(repo, "2.0.0", 2, with(trust, "--channel", "stable", "--percent", "10"));
        JsonNode pushed = json(ok("check", repo + ":stable", "--target", "t", "--state-dir", state.toString(),
                "--device-id", "d-1", "--json", "--plain-http"));
        assertEquals("2.0.0", pushed.path("candidateVersion").asText(), pushed::toString);
        assertEquals(1000, pushed.path("rollout").path("basisPoints").asInt(), pushed::toString);

        // without --trust-keys on a repository with trust: refused, as a push is
        CliRunner.Result untrusted = CliRunner.run("promote", repo + ":1.0.0", "--channel", "lts", "--plain-http");
        assertEquals(ExitCode.STATE, untrusted.exitCode(), untrusted::toString);
    }

    @Test
    void promote_with_a_key_requires_its_signature_and_refuses_downgrades() throws Exception {
        String repo = registry.hostPort() + "/promote/keyed";
        Path password = dir.resolve("password");
        Files.writeString(password, "pw\n");
        String prefix = dir.resolve("release").toString();
        ok("keygen", "--output-prefix", prefix, "--password-file", password.toString());
        String[] key = {"--key", prefix + ".key", "--password-file", password.toString()};
        JsonNode v1 = push(repo, "1.0.0", 3, key);
        JsonNode v2 = push(repo, "2.0.0", 4, with(key, "--channel", "stable"));
        ok(with(new String[] {"promote", repo + ":1.0.0", "--channel", "beta", "--plain-http"}, key));
        assertEquals(v1.path("digest").asText(), manifestDigest(repo, "beta"));
        ok("verify", repo + ":beta", "--key", prefix + ".pub", "--plain-http");

        CliRunner.Result down = CliRunner.run(with(new String[] {"promote", repo + ":1.0.0", "--channel", "stable",
            "--plain-http"}, key));
        assertEquals(ExitCode.STATE, down.exitCode(), down::toString);
        assertEquals(v2.path("digest").asText(), manifestDigest(repo, "stable"));

        String elsewhere = registry.hostPort() + "/promote/unsigned";
        push(elsewhere, "2.0.0", 5); // same version, other payload, no signature
        copyRelease(elsewhere, repo, "2.0.0");
        CliRunner.Result unsigned = CliRunner.run(with(new String[] {"promote", repo + ":2.0.0", "--channel", "beta",
            "--plain-http"}, key));
        assertEquals(ExitCode.VERIFICATION, unsigned.exitCode(), unsigned::toString);
        assertEquals(v1.path("digest").asText(), manifestDigest(repo, "beta"));

        CliRunner.Result missing = CliRunner.run(with(new String[] {"promote", repo + ":7.0.0", "--channel", "beta",
            "--plain-http"}, key));
        assertEquals(ExitCode.NOT_FOUND, missing.exitCode(), missing::toString);
    }
}
