package dev.updater.cli;

import static dev.updater.cli.RolloutRegistryTest.json;
import static dev.updater.cli.RolloutRegistryTest.ok;
import static dev.updater.cli.RolloutRegistryTest.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.testing.FaultProxy;
import dev.updater.registry.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Update windows and urgency through the CLI on a real registry: a normal release outside the window is deferred
 * (and with --prefetch downloaded and verified ahead), installed inside it without downloading the payload again; a
 * critical one is installed at once.
 */
class WindowAndUrgencyTest {
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
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

    /** A window around the device's local time now, and one that is hours away (both may cross midnight). */
    private static String window(int fromHours, int toHours) {
        LocalTime now = LocalTime.now();
        return HH_MM.format(now.plusHours(fromHours)) + "-" + HH_MM.format(now.plusHours(toHours));
    }

    private JsonNode push(String repo, String version, String... extra) throws Exception {
        byte[] bytes = new byte[20_000];
        new Random(version.hashCode()).nextBytes(bytes);
        Path file = Files.createDirectories(dir.resolve("b-" + version)).resolve("app");
        Files.write(file, bytes);
        return json(ok(with(new String[] {"push", repo, "--version", version, "--target", "t=" + file, "--channel",
            "stable", "--delta-from", "0", "--json", "--plain-http"}, extra)));
    }

    @Test
    void deferred_prefetched_then_installed_inside_the_window_and_critical_at_once() throws Exception {
        String repo = proxy.hostPort() + "/windows/app";
        String inside = window(-1, 1);
        String outside = window(2, 3);
        push(repo, "1.0.0");
        Path root = dir.resolve("device");
        ok("pull", repo + ":stable", "--target", "t", "--install-root", root.toString(), "--plain-http");

        JsonNode v110 = push(repo, "1.1.0", "--chunk-size", "8K");
        String payload = v110.path("targets").path("t").path("digest").asText().substring("sha256:".length());
        JsonNode check = json(ok("check", repo + ":stable", "--target", "t", "--install-root", root.toString(),
                "--window", outside, "--json", "--plain-http"));
        assertEquals("deferred", check.path("status").asText(), check::toString);
        assertEquals("normal", check.path("urgency").asText());
        JsonNode deferred = json(ok("pull", repo + ":stable", "--target", "t", "--install-root", root.toString(),
                "--window", outside, "--prefetch", "--json", "--plain-http"));
        assertEquals("deferred", deferred.path("status").asText(), deferred::toString);
        assertEquals(20_000, deferred.path("prefetchedBytes").asLong());
        assertEquals(Path.of("versions/1.0.0"), Files.readSymbolicLink(root.resolve("current")));

        proxy.setFault((m, p, n) -> FaultProxy.pass());
        ok("pull", repo + ":stable", "--target", "t", "--install-root", root.toString(), "--window", outside,
                "--window", inside, "--plain-http");
        assertEquals(Path.of("versions/1.1.0"), Files.readSymbolicLink(root.resolve("current")));
        assertArrayEquals(Files.readAllBytes(dir.resolve("b-1.1.0/app")), Files.readAllBytes(root.resolve(
                "current/app")));
        long chunkGets = proxy.requests().stream().filter(r -> r.startsWith("GET ") && r.contains("/blobs/"))
                .count();
        assertEquals(1, chunkGets, () -> "only the update manifest, no payload chunk: " + proxy.requests());
        assertFalse(proxy.requests().stream().anyMatch(r -> r.contains(payload)), proxy.requests()::toString);

        // a critical release ignores the window
        push(repo, "1.2.0", "--urgency", "critical");
        JsonNode critical = json(ok("check", repo + ":stable", "--target", "t", "--install-root", root.toString(),
                "--window", outside, "--json", "--plain-http"));
        assertEquals("available", critical.path("status").asText(), critical::toString);
        assertEquals("critical", critical.path("urgency").asText());
        ok("pull", repo + ":stable", "--target", "t", "--install-root", root.toString(), "--window", outside,
                "--plain-http");
        assertEquals(Path.of("versions/1.2.0"), Files.readSymbolicLink(root.resolve("current")));

        // the device id the checks used is the one the install root keeps, and status shows it
        String id = Files.readString(root.resolve(".updater/device-id")).strip();
        assertEquals(id, critical.path("deviceId").asText());
        assertTrue(ok("status", "--install-root", root.toString()).out().contains("Device id:    " + id));
        assertEquals(id, json(ok("status", "--install-root", root.toString(), "--json")).path("deviceId").asText());

        CliRunner.Result badWindow = CliRunner.run("check", repo + ":stable", "--target", "t", "--install-root",
                root.toString(), "--window", "2-4", "--plain-http");
        assertEquals(ExitCode.USAGE, badWindow.exitCode(), badWindow::toString);
        CliRunner.Result badUrgency = CliRunner.run("push", repo, "--version", "9.0.0", "--target", "t="
                + dir.resolve("b-1.2.0/app"), "--urgency", "asap", "--plain-http");
        assertEquals(ExitCode.USAGE, badUrgency.exitCode(), badUrgency::toString);
        CliRunner.Result windowWithOutput = CliRunner.run("pull", repo + ":stable", "--target", "t", "--output",
                dir.resolve("f").toString(), "--window", inside, "--plain-http");
        assertEquals(ExitCode.USAGE, windowWithOutput.exitCode(), windowWithOutput::toString);
    }
}
