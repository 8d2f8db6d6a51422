package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.testing.FaultProxy;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.schema.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deltas through a real registry: the publisher makes patches, the client downloads only the patch. */
class DeltaEndToEndTest {
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

    private static JsonNode ok(CliRunner.Result r) {
        assertEquals(0, r.exitCode(), r::toString);
        return Json.parse(r.out().getBytes(StandardCharsets.UTF_8), "output");
    }

    /** A binary-like file of incompressible data with a few local edits per version. */
    private static byte[] version(int n) {
        byte[] data = new byte[600_000];
        new Random(7).nextBytes(data);
        Random edits = new Random(100 + n);
        for (int v = 2; v <= n; v++) {
            for (int i = 0; i < 20; i++) {
                int at = edits.nextInt(data.length - 64);
                for (int j = 0; j < 16; j++) data[at + j] = (byte) edits.nextInt();
            }
        }
        return data;
    }

    @Test
    void pullWithABaseDownloadsOnlyThePatchAndFallsBackWhenThePatchIsGone() throws Exception {
        String repo = proxy.hostPort() + "/delta/fw";
        Path[] files = new Path[4];
        for (int v = 1; v <= 3; v++) {
            files[v] = dir.resolve("v" + v + "/fw.bin");
            Files.createDirectories(files[v].getParent());
            Files.write(files[v], version(v));
        }
        ok(CliRunner.run("push", repo, "--plain-http", "--version", "1.0.0", "--target", "esp32=" + files[1],
                "--json"));
        JsonNode v2 = ok(CliRunner.run("push", repo, "--plain-http", "--version", "2.0.0", "--target",
                "esp32=" + files[2], "--json"));
        assertEquals(1, v2.get("delta").get("patches").size(), v2.toString());
        JsonNode v3 = ok(CliRunner.run("push", repo, "--plain-http", "--version", "3.0.0", "--target",
                "esp32=" + files[3], "--json"));
        JsonNode patches = v3.get("delta").get("patches");
        assertEquals(2, patches.size(), v3.toString());
        for (JsonNode p : patches) {
            assertTrue(p.get("kept").asBoolean(), p.toString());
            assertTrue(p.get("size").asLong() < 60_000, "a patch of a few edits is small: " + p);
            assertEquals("xz", p.get("compression").asText(), "small payloads get xz bodies, and --json says so: " + p);
        }
        assertEquals("auto", v3.get("delta").get("compression").asText(), v3.toString());

        for (int base = 1; base <= 2; base++) {
            proxy.setFault((m, p, n) -> FaultProxy.pass());
            Path out = dir.resolve("out-from-" + base);
            JsonNode pulled = ok(CliRunner.run("pull", "--state-dir", dir.resolve("state").toString(),
                    repo + ":3.0.0", "--plain-http", "--target", "esp32", "--base", files[base].toString(),
                    "--output", out.toString(), "--json"));
            assertEquals("delta", pulled.get("method").asText(), pulled.toString());
            assertEquals(base + ".0.0", pulled.get("patchFrom").asText());
            assertArrayEquals(Files.readAllBytes(files[3]), Files.readAllBytes(out));
            assertTrue(proxy.blobBodyBytes() < 60_000 + 10_000,
                    "only the patch (and the update manifest) crossed the wire: " + proxy.blobBodyBytes());
        }

        // Delete the patch from v1 in the registry: the pull falls back to the full payload and says why.
        String patchFrom1 = null;
        JsonNode inspect = ok(CliRunner.run("inspect", repo + ":3.0.0", "--plain-http", "--json"));
        for (JsonNode p : inspect.get("updateManifest").get("targets").get("esp32").get("patches")) {
            if (p.get("fromVersion").asText().equals("1.0.0")) patchFrom1 = p.get("digest").asText();
        }
        HttpResponse<String> deleted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                + registry.hostPort() + "/v2/delta/fw/blobs/" + patchFrom1)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, deleted.statusCode(), deleted.body());
        Path out = dir.resolve("out-fallback");
        JsonNode pulled = ok(CliRunner.run("pull", "--state-dir", dir.resolve("state2").toString(),
                repo + ":3.0.0", "--plain-http", "--target", "esp32", "--base", files[1].toString(),
                "--output", out.toString(), "--json"));
        assertEquals("full", pulled.get("method").asText(), pulled.toString());
        assertTrue(pulled.get("deltaFallbackReason").asText().contains("missing"), pulled.toString());
        assertArrayEquals(Files.readAllBytes(files[3]), Files.readAllBytes(out));
    }

    @Test
    void aBaseWithoutAPatchFallsBackWithTheReason() throws Exception {
        String repo = registry.hostPort() + "/delta/nopatch";
        Path v1 = dir.resolve("a");
        Files.write(v1, version(1));
        ok(CliRunner.run("push", repo, "--plain-http", "--version", "1.0.0", "--target", "t=" + v1, "--json"));
        Path unrelated = dir.resolve("unrelated");
        Files.write(unrelated, "something else".getBytes(StandardCharsets.UTF_8));
        JsonNode pulled = ok(CliRunner.run("pull", "--state-dir", dir.resolve("state").toString(), repo + ":1.0.0",
                "--plain-http", "--target", "t", "--base", unrelated.toString(), "--output",
                dir.resolve("out").toString(), "--json"));
        assertEquals("full", pulled.get("method").asText());
        assertTrue(pulled.get("deltaFallbackReason").asText().contains("no patch"), pulled.toString());
    }
}
