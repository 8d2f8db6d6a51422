package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Publish and pull through a real distribution registry, in-process CLI. */
class RegistryRoundTripTest {
    @RegisterExtension
    static final LocalRegistry.PerClass registry = LocalRegistry.perClass();
    @TempDir
    Path dir;

    private String repo(String name) {
        return registry.hostPort() + "/test/" + name;
    }

    private Path file(String name, int size, long seed) throws Exception {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static JsonNode json(CliRunner.Result r) {
        assertEquals(0, r.exitCode(), r::toString);
        return Json.parse(r.out().getBytes(StandardCharsets.UTF_8), "output");
    }

    @Test
    void pushThenPullByTagAndByDigest() throws Exception {
        Path app = file("app", 300_000, 1);
        JsonNode pushed = json(CliRunner.run("push", repo("app"), "--plain-http", "--version", "1.2.3",
                "--target", "linux-amd64=" + app, "--channel", "stable", "--json"));
        String digest = pushed.get("digest").asText();
        assertEquals(List.of("1.2.3", "stable"), List.of(pushed.get("tags").get(0).asText(),
                pushed.get("tags").get(1).asText()));

        Path byTag = dir.resolve("out/by-tag");
        JsonNode pulled = json(CliRunner.run("pull", "--state-dir", dir.resolve("state").toString(), repo("app") + ":stable", "--plain-http", "--target",
                "linux-amd64", "--output", byTag.toString(), "--json"));
        assertEquals(digest, pulled.get("releaseDigest").asText());
        assertArrayEquals(Files.readAllBytes(app), Files.readAllBytes(byTag));

        Path byDigest = dir.resolve("out/by-digest");
        json(CliRunner.run("pull", "--state-dir", dir.resolve("state").toString(), repo("app") + "@" + digest, "--plain-http", "--target", "linux-amd64",
                "--output", byDigest.toString(), "--json"));
        assertArrayEquals(Files.readAllBytes(app), Files.readAllBytes(byDigest));
    }

    @Test
    void rePushIsANoOpWithTheSameDigest() throws Exception {
        Path app = file("app", 10_000, 2);
        String[] push = {"push", repo("repush"), "--plain-http", "--version", "2.0.0", "--target", "t=" + app,
            "--json"};
        JsonNode first = json(CliRunner.run(push));
        JsonNode second = json(CliRunner.run(push));
        assertEquals(first.get("digest"), second.get("digest"));
        assertTrue(second.get("alreadyPublished").asBoolean());
        assertEquals(0, second.get("blobsUploaded").asInt());

        Path other = file("other", 10_000, 3);
        CliRunner.Result conflict = CliRunner.run("push", repo("repush"), "--plain-http", "--version", "2.0.0",
                "--target", "t=" + other);
        assertEquals(ExitCode.STATE, conflict.exitCode(), conflict::toString);
        assertTrue(conflict.err().contains("immutable"), conflict::toString);
    }

    @Test
    void twoTargetsInOneReleaseAndUnknownTargetListsThem() throws Exception {
        Path a = file("fw-a.bin", 5_000, 4);
        Path b = file("fw-b.bin", 7_000, 5);
        json(CliRunner.run("push", repo("two"), "--plain-http", "--version", "1.0.0", "--target", "esp32-v4.2=" + a,
                "--target", "esp32-v5=" + b, "--json"));
        Path outB = dir.resolve("b");
        json(CliRunner.run("pull", "--state-dir", dir.resolve("state").toString(), repo("two") + ":1.0.0", "--plain-http", "--target", "esp32-v5", "--output",
                outB.toString(), "--json"));
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(outB));

        Path missing = dir.resolve("missing");
        CliRunner.Result r = CliRunner.run("pull", "--state-dir", dir.resolve("state").toString(), repo("two") + ":1.0.0", "--plain-http", "--target", "stm32",
                "--output", missing.toString());
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r::toString);
        assertTrue(r.err().contains("esp32-v4.2, esp32-v5"), r::toString);
        assertFalse(Files.exists(missing));
    }

    @Test
    void blobCorruptedInsideTheRegistryIsRefusedAndNothingIsWritten() throws Exception {
        Path app = file("app", 50_000, 6);
        JsonNode pushed = json(CliRunner.run("push", repo("corrupt"), "--plain-http", "--version", "1.0.0",
                "--target", "t=" + app, "--json"));
        Path blob = registry.blobFile(pushed.get("targets").get("t").get("digest").asText());
        byte[] bytes = Files.readAllBytes(blob);
        bytes[12_345] ^= 0x01;
        Files.write(blob, bytes);

        Path out = dir.resolve("out/app");
        CliRunner.Result r = CliRunner.run("pull", "--state-dir", dir.resolve("state").toString(), repo("corrupt") + ":1.0.0", "--plain-http", "--target", "t",
                "--output", out.toString());
        assertEquals(ExitCode.VERIFICATION, r.exitCode(), r::toString);
        assertTrue(r.err().contains("failed verification"), r::toString);
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(out.getParent()), "nothing written where the output would go");
        try (var files = Files.list(dir.resolve("state/downloads"))) {
            assertEquals(0, files.count(), "the bad bytes are not kept for a resume");
        }
    }

    @Test
    void malformedUpdateManifestIsRefusedWithTheFieldNamed() throws Exception {
        StoreReference ref = StoreReference.parse(repo("malformed"));
        try (ReleaseStore store = ReleaseStores.open(ref, ReleaseStores.Options.defaults().withPlainHttp(true))) {
            byte[] payload = "payload".getBytes(StandardCharsets.UTF_8);
            OciDescriptor layer = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(payload), payload.length);
            store.pushBlob(layer, BlobSource.of(payload));
            byte[] config = ("{\"schemaVersion\":1,\"mediaType\":\"" + MediaTypes.UPDATE_MANIFEST + "\","
                    + "\"updateId\":\"3f2504e0-4f89-41d3-9a0c-0305e82c3301\",\"product\":\"app\",\"version\":\"1.0\","
                    + "\"created\":\"2026-01-01T00:00:00Z\",\"channels\":[],\"targets\":{\"t\":{\"digest\":\""
                    + layer.digest() + "\",\"size\":7,\"mediaType\":\"x\",\"fileName\":\"p\",\"fileMode\":\"0644\"}}}")
                    .getBytes(StandardCharsets.UTF_8);
            OciDescriptor configBlob = new OciDescriptor(MediaTypes.UPDATE_MANIFEST, Digest.of(config), config.length);
            store.pushBlob(configBlob, BlobSource.of(config));
            ImageManifest manifest = new ImageManifest(Optional.of(MediaTypes.UPDATE_MANIFEST), configBlob,
                    List.of(layer), Optional.empty(), Map.of());
            store.pushManifest(manifest.toBytes(), MediaTypes.OCI_MANIFEST, "1.0.0");
        }
        Path out = dir.resolve("out");
        CliRunner.Result r = CliRunner.run("pull", "--state-dir", dir.resolve("state").toString(), repo("malformed") + ":1.0.0", "--plain-http", "--target", "t",
                "--output", out.toString());
        assertEquals(ExitCode.VERIFICATION, r.exitCode(), r::toString);
        assertTrue(r.err().contains("'version'"), r::toString);
        assertFalse(Files.exists(out));
    }

    @Test
    void versionsAreListedInSemverOrder() throws Exception {
        Path app = file("app", 100, 7);
        for (String v : List.of("1.10.0", "1.2.0", "1.3.0+build.5", "1.2.0-rc.1", "1.2.0-alpha")) {
            json(CliRunner.run("push", repo("order"), "--plain-http", "--version", v, "--target", "t=" + app,
                    "--channel", "beta", "--allow-channel-downgrade", "--json"));
        }
        JsonNode listed = json(CliRunner.run("versions", repo("order"), "--plain-http", "--json"));
        // build metadata travels through the tag as '_' and comes back as '+'
        assertEquals("[\"1.2.0-alpha\",\"1.2.0-rc.1\",\"1.2.0\",\"1.3.0+build.5\",\"1.10.0\"]",
                listed.get("versions").toString());
        assertEquals("[\"beta\"]", listed.get("channels").toString());
    }

    @Test
    void pushingToAndPullingFromALayout() throws Exception {
        Path app = file("app", 20_000, 8);
        String layout = "oci:" + dir.resolve("layout");
        JsonNode pushed = json(CliRunner.run("push", layout, "--version", "0.1.0", "--target", "t=" + app,
                "--channel", "stable", "--json"));
        Path out = dir.resolve("pulled");
        JsonNode pulled = json(CliRunner.run("pull", "--state-dir", dir.resolve("state").toString(), layout + ":stable", "--target", "t", "--output", out.toString(),
                "--json"));
        assertEquals(pushed.get("digest"), pulled.get("releaseDigest"));
        assertArrayEquals(Files.readAllBytes(app), Files.readAllBytes(out));
    }

    @Test
    void jsonProgressEventsPrecedeTheResultAndQuietPrintsOnlyTheDigest() throws Exception {
        Path app = file("app", 2_000_000, 9);
        CliRunner.Result quiet = CliRunner.run("push", repo("progress"), "--plain-http", "--version", "1.0.0",
                "--target", "t=" + app, "-q");
        assertEquals(0, quiet.exitCode(), quiet::toString);
        assertTrue(quiet.out().strip().matches("sha256:[0-9a-f]{64}"), quiet::toString);
        assertEquals("", quiet.err(), quiet::toString);

        CliRunner.Result r = CliRunner.run("pull", "--state-dir", dir.resolve("state").toString(),
                repo("progress") + ":1.0.0", "--plain-http", "--target", "t", "--output",
                dir.resolve("p").toString(), "--json", "--progress");
        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.out().lines().toList();
        JsonNode first = Json.parse(lines.get(0).getBytes(StandardCharsets.UTF_8), "line");
        assertEquals("progress", first.get("event").asText());
        assertEquals("started", first.get("phase").asText());
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"phase\":\"finished\"")), r::toString);
        JsonNode result = Json.parse(lines.get(lines.size() - 1).getBytes(StandardCharsets.UTF_8), "result");
        assertEquals("full", result.get("method").asText());
    }

    @Test
    void unreachableRegistryIsANetworkError() {
        CliRunner.Result r = CliRunner.run("versions", "127.0.0.1:1/none", "--plain-http");
        assertEquals(ExitCode.NETWORK, r.exitCode(), r::toString);
        assertTrue(r.err().contains("cannot connect"), r::toString);
    }
}
