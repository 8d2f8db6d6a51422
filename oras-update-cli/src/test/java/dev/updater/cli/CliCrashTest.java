package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.schema.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code update pull --install-root} process SIGKILLed mid-install (the library-level campaign is
 * {@code CrashCampaignTest}); then {@code update status} shows the pending journal and a new {@code update pull}
 * recovers and installs.
 */
class CliCrashTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "killed at {0}")
    @CsvSource({"journal:fetching, 1.0.0", "apply@20000, 1.0.0", "journal:switching, 2.0.0",
        "switch:renamed, 2.0.0"})
    void killedPullIsRecoveredByTheNextPull(String crashAt, String expectedAfterRecovery) throws Exception {
        String layout = "oci:" + dir.resolve("layout");
        List<byte[]> payloads = new ArrayList<>();
        for (String v : List.of("1.0.0", "2.0.0")) {
            byte[] bytes = new byte[64 * 1024];
            new Random(v.hashCode()).nextBytes(bytes);
            payloads.add(bytes);
            Path app = dir.resolve("src-" + v).resolve("app");
            Files.createDirectories(app.getParent());
            Files.write(app, bytes);
            assertEquals(0, CliRunner.run("push", layout, "--version", v, "--target", "linux=" + app).exitCode());
        }
        Path root = dir.resolve("device");
        assertEquals(0, CliRunner.run("pull", layout + ":1.0.0", "--target", "linux", "--install-root",
                root.toString()).exitCode());

        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Ddev.updater.install.crashAt=" + crashAt,
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "pull", layout + ":2.0.0", "--target", "linux", "--install-root", root.toString());
        Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(cli.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("CRASHPOINT")) {
                // skip anything printed before the pause point
            }
            assertEquals("CRASHPOINT " + crashAt, line);
        } finally {
            cli.destroyForcibly();
            cli.waitFor(30, TimeUnit.SECONDS);
        }

        CliRunner.Result status = CliRunner.run("status", "--install-root", root.toString(), "--json");
        assertEquals(0, status.exitCode(), status::toString);
        JsonNode json = Json.parse(status.out().getBytes(StandardCharsets.UTF_8), "status");
        assertEquals("2.0.0", json.path("pendingJournal").path("toVersion").asText(), status::toString);
        String current = json.path("current").path("version").asText();
        assertTrue(current.equals("1.0.0") || current.equals("2.0.0"), status::toString);

        CliRunner.Result pull = CliRunner.run("pull", layout + ":2.0.0", "--target", "linux", "--install-root",
                root.toString());
        assertEquals(0, pull.exitCode(), pull::toString);
        assertTrue(pull.err().contains("update: recovered: "), pull::toString);
        assertTrue(pull.err().contains("current is " + expectedAfterRecovery), pull::toString);
        assertArrayEquals(payloads.get(1), Files.readAllBytes(root.resolve("current/app")));
        assertArrayEquals(payloads.get(0), Files.readAllBytes(root.resolve("versions/1.0.0/app")));
    }
}
