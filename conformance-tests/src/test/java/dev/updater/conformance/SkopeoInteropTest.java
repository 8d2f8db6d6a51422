package dev.updater.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.updater.registry.testing.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The built CLI against a real registry and the real skopeo: our releases are plain OCI to other tools. */
class SkopeoInteropTest {
    @RegisterExtension
    static final LocalRegistry.PerClass registry = LocalRegistry.perClass();
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private static JsonNode ok(Cli.Result r) throws Exception {
        assertEquals(0, r.exitCode(), r::toString);
        return JSON.readTree(r.out());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void skopeoSeesTheManifestByteForByteAndACopyPullsTheSamePayload() throws Exception {
        byte[] payload = new byte[200_000];
        new Random(11).nextBytes(payload);
        Path fw = dir.resolve("fw.bin");
        Files.write(fw, payload);
        String repo = registry.hostPort() + "/conformance/fw";
        JsonNode pushed = ok(Cli.updateWithEnv(Map.of("SOURCE_DATE_EPOCH", "1700000000"), "push", repo,
                "--plain-http", "--version", "3.1.4", "--target", "esp32-v4.2=" + fw, "--channel", "stable",
                "--json"));
        String releaseDigest = pushed.get("digest").asText();

        Cli.Result raw = Cli.run(List.of("skopeo", "inspect", "--raw", "--tls-verify=false",
                "docker://" + repo + ":3.1.4"), Map.of());
        assertEquals(0, raw.exitCode(), raw::toString);
        byte[] rawBytes = raw.out().getBytes(StandardCharsets.UTF_8);
        assertEquals(releaseDigest, sha256(rawBytes), "skopeo returns exactly the manifest we pushed");

        String copy = registry.hostPort() + "/conformance/fw-copy";
        Cli.Result copied = Cli.run(List.of("skopeo", "copy", "--all", "--src-tls-verify=false",
                "--dest-tls-verify=false", "docker://" + repo + ":3.1.4", "docker://" + copy + ":3.1.4"), Map.of());
        assertEquals(0, copied.exitCode(), copied::toString);

        Path out = dir.resolve("from-copy.bin");
        JsonNode pulled = ok(Cli.update("pull", copy + ":3.1.4", "--plain-http", "--target", "esp32-v4.2",
                "--output", out.toString(), "--json"));
        assertEquals(releaseDigest, pulled.get("releaseDigest").asText());
        assertEquals(sha256(payload), pulled.get("payloadDigest").asText());
        assertArrayEquals(payload, Files.readAllBytes(out));
    }

    @Test
    void skopeoCopiesAReleaseIntoALayoutWeCanPullFrom() throws Exception {
        byte[] payload = "hello layout".getBytes(StandardCharsets.UTF_8);
        Path app = dir.resolve("app");
        Files.write(app, payload);
        String repo = registry.hostPort() + "/conformance/to-layout";
        JsonNode pushed = ok(Cli.update("push", repo, "--plain-http", "--version", "1.0.0", "--target", "t=" + app,
                "--json"));
        Path layout = dir.resolve("layout");
        Cli.Result copied = Cli.run(List.of("skopeo", "copy", "--src-tls-verify=false",
                "docker://" + repo + ":1.0.0", "oci:" + layout + ":1.0.0"), Map.of());
        assertEquals(0, copied.exitCode(), copied::toString);
        Path out = dir.resolve("out");
        JsonNode pulled = ok(Cli.update("pull", "oci:" + layout + ":1.0.0", "--target", "t", "--output",
                out.toString(), "--json"));
        assertEquals(pushed.get("digest").asText(), pulled.get("releaseDigest").asText());
        assertArrayEquals(payload, Files.readAllBytes(out));
    }

    @Test
    void ourLayoutIsReadableBySkopeo() throws Exception {
        Path app = dir.resolve("app");
        Files.write(app, "layout payload".getBytes(StandardCharsets.UTF_8));
        Path layout = dir.resolve("ours");
        JsonNode pushed = ok(Cli.update("push", "oci:" + layout, "--version", "1.0.0", "--target", "t=" + app,
                "--json"));
        Cli.Result raw = Cli.run(List.of("skopeo", "inspect", "--raw", "oci:" + layout + ":1.0.0"), Map.of());
        assertEquals(0, raw.exitCode(), raw::toString);
        assertEquals(pushed.get("digest").asText(), sha256(raw.out().getBytes(StandardCharsets.UTF_8)));
    }
}
