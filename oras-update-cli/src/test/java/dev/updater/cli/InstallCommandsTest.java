package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.schema.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** update pull --install-root, update status and update rollback, end to end through the CLI. */
class InstallCommandsTest {
    @TempDir
    Path dir;

    private Path file(String name, int size, long seed) throws Exception {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Path f = dir.resolve("src-" + seed).resolve(name);
        Files.createDirectories(f.getParent());
        Files.write(f, bytes);
        return f;
    }

    private static List<JsonNode> jsonLines(CliRunner.Result r) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            if (!line.isBlank()) lines.add(Json.parse(line.getBytes(StandardCharsets.UTF_8), "output"));
        }
        return lines;
    }

    private static CliRunner.Result ok(String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    private List<Path> publish(String layout, String... versions) throws Exception {
        List<Path> payloads = new ArrayList<>();
        int seed = 1;
        for (String v : versions) {
            Path app = file("app", 20_000 + seed, seed++);
            payloads.add(app);
            ok("push", layout, "--version", v, "--target", "linux=" + app);
        }
        return payloads;
    }

    @Test
    void pullInstallsStatusShowsAndRollbackWalksBackFromAnOciLayout() throws Exception {
        String layout = "oci:" + dir.resolve("layout");
        List<Path> payloads = publish(layout, "1.0.0", "2.0.0", "3.0.0");
        Path root = dir.resolve("device");
        for (String v : List.of("1.0.0", "2.0.0", "3.0.0")) {
            CliRunner.Result r = ok("pull", layout + ":" + v, "--target", "linux", "--install-root", root.toString());
            assertTrue(r.out().startsWith("Installed "), r::toString);
        }
        assertArrayEquals(Files.readAllBytes(payloads.get(2)), Files.readAllBytes(root.resolve("current/app")));
        assertEquals(Files.getPosixFilePermissions(payloads.get(2)),
                Files.getPosixFilePermissions(root.resolve("current/app")));

        CliRunner.Result again = ok("pull", layout + ":3.0.0", "--target", "linux", "--install-root", root.toString());
        assertTrue(again.out().contains("already current"), again::toString);

        JsonNode status = jsonLines(ok("status", "--install-root", root.toString(), "--json")).get(0);
        assertEquals("3.0.0", status.path("current").path("version").asText());
        assertEquals(2, status.path("snapshots").size());
        assertEquals("idle", status.path("lastEvent").path("state").asText()); // the no-op pull
        assertTrue(status.path("pendingJournal").isMissingNode());
        String human = ok("status", "--install-root", root.toString()).out();
        assertTrue(human.contains("Current:      3.0.0  sha256:"), human);
        assertTrue(human.contains("no operation pending"), human);

        List<JsonNode> rollback = jsonLines(ok("rollback", "--install-root", root.toString(), "--json"));
        JsonNode result = rollback.get(rollback.size() - 1);
        assertEquals("3.0.0", result.path("fromVersion").asText());
        assertEquals("2.0.0", result.path("toVersion").asText());
        assertEquals("rolling-back", rollback.get(0).path("state").asText());
        ok("pull", "--rollback", "--install-root", root.toString());
        assertArrayEquals(Files.readAllBytes(payloads.get(0)), Files.readAllBytes(root.resolve("current/app")));

        CliRunner.Result nothing = CliRunner.run("rollback", "--install-root", root.toString());
        assertEquals(ExitCode.STATE, nothing.exitCode(), nothing::toString);
        assertTrue(nothing.err().contains("no earlier version"), nothing::toString);
        ok("rollback", "--install-root", root.toString(), "--to", "3.0.0");
        List<String> log = Files.readAllLines(root.resolve(".updater/logs/rollback.log"));
        assertEquals(3, log.size());
        JsonNode last = Json.parse(log.get(2).getBytes(StandardCharsets.UTF_8), "log");
        assertEquals("1.0.0", last.path("from").asText());
        assertEquals("3.0.0", last.path("to").asText());
    }

    @Test
    void downgradePrereleaseAndHealthCheckExitCodes() throws Exception {
        String layout = "oci:" + dir.resolve("layout");
        publish(layout, "1.0.0", "2.0.0", "2.1.0-rc.1", "3.0.0");
        Path root = dir.resolve("device").toAbsolutePath();
        ok("pull", layout + ":2.0.0", "--target", "linux", "--install-root", root.toString());

        CliRunner.Result down = CliRunner.run("pull", layout + ":1.0.0", "--target", "linux", "--install-root",
                root.toString());
        assertEquals(ExitCode.STATE, down.exitCode(), down::toString);
        assertTrue(down.err().contains("--allow-downgrade"), down::toString);
        CliRunner.Result rc = CliRunner.run("pull", layout + ":2.1.0-rc.1", "--target", "linux", "--install-root",
                root.toString());
        assertEquals(ExitCode.STATE, rc.exitCode(), rc::toString);
        ok("pull", layout + ":2.1.0-rc.1", "--target", "linux", "--install-root", root.toString(),
                "--allow-prerelease");
        ok("pull", layout + ":1.0.0", "--target", "linux", "--install-root", root.toString(), "--allow-downgrade");
        assertEquals(Path.of("versions/1.0.0"), Files.readSymbolicLink(root.resolve("current")));

        CliRunner.Result unhealthy = CliRunner.run("pull", layout + ":3.0.0", "--target", "linux", "--install-root",
                root.toString(), "--health-cmd", "test \"$UPDATE_VERSION\" != 3.0.0", "--health-timeout", "10",
                "--json");
        assertEquals(ExitCode.HEALTH_CHECK, unhealthy.exitCode(), unhealthy::toString);
        assertTrue(unhealthy.err().contains("failed its health check"), unhealthy::toString);
        List<JsonNode> lines = jsonLines(unhealthy);
        // the JSON contract: event lines, then the failure as the last line's error object
        assertEquals(ExitCode.HEALTH_CHECK, lines.get(lines.size() - 1).path("error").path("exitCode").asInt(),
                unhealthy::toString);
        List<JsonNode> events = lines.stream().filter(n -> n.has("event")).toList();
        assertEquals(List.of("fetching", "validating", "applying", "switching", "checking", "rolling-back", "failed"),
                events.stream().map(e -> e.path("state").asText()).toList());
        assertEquals("HEALTH_CHECK", events.get(events.size() - 1).path("error").path("code").asText());
        assertEquals(Path.of("versions/1.0.0"), Files.readSymbolicLink(root.resolve("current")));

        ok("pull", layout + ":3.0.0", "--target", "linux", "--install-root", root.toString(), "--health-cmd",
                "test -f ./app && test \"$(pwd)\" = \"$UPDATE_VERSION_DIR\"");
        assertEquals(Path.of("versions/3.0.0"), Files.readSymbolicLink(root.resolve("current")));
    }

    @Test
    void tarPayloadFromARealRegistryIsInstalledAsADirectoryWithStreamedEvents() throws Exception {
        Path tar = dir.resolve("bundle.tar");
        byte[] app = new byte[30_000];
        new Random(9).nextBytes(app);
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            TarArchiveEntry e = new TarArchiveEntry("bin/app");
            e.setSize(app.length);
            e.setMode(0100750);
            out.putArchiveEntry(e);
            out.write(app);
            out.closeArchiveEntry();
        }
        try (LocalRegistry registry = LocalRegistry.start()) {
            String repo = registry.hostPort() + "/test/bundle";
            ok("push", repo, "--plain-http", "--version", "1.0.0", "--target", "linux=" + tar);
            Path root = dir.resolve("device");
            CliRunner.Result r = ok("pull", repo + ":1.0.0", "--plain-http", "--target", "linux", "--install-root",
                    root.toString(), "--json");
            List<JsonNode> lines = jsonLines(r);
            assertEquals(List.of("fetching", "validating", "applying", "switching", "committed"),
                    lines.subList(0, lines.size() - 1).stream().map(e -> e.path("state").asText()).toList());
            JsonNode result = lines.get(lines.size() - 1);
            assertEquals("installed", result.path("result").asText());
            assertEquals(Files.size(tar), result.path("bytesDownloaded").asLong());
            assertArrayEquals(app, Files.readAllBytes(root.resolve("current/bin/app")));
            assertEquals("rwxr-x---", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(root.resolve("current/bin/app"))));
        }
    }

    @Test
    void channelPicksTheReleaseItsTagPointsAt() throws Exception {
        String layout = "oci:" + dir.resolve("layout");
        Path app = file("app", 1000, 42);
        ok("push", layout, "--version", "1.5.0", "--target", "linux=" + app, "--channel", "beta");
        Path root = dir.resolve("device");
        ok("pull", layout, "--channel", "beta", "--target", "linux", "--install-root", root.toString());
        assertEquals(Path.of("versions/1.5.0"), Files.readSymbolicLink(root.resolve("current")));
        CliRunner.Result both = CliRunner.run("pull", layout + ":1.5.0", "--channel", "beta", "--target", "linux",
                "--install-root", root.toString());
        assertEquals(ExitCode.USAGE, both.exitCode(), both::toString);
        CliRunner.Result version = CliRunner.run("pull", layout, "--channel", "1.5.0", "--target", "linux",
                "--install-root", root.toString());
        assertEquals(ExitCode.USAGE, version.exitCode(), version::toString);
    }

    @Test
    void usageErrorsSayWhatIsMissing() {
        CliRunner.Result noWhere = CliRunner.run("pull", "oci:/nonexistent:1.0.0", "--target", "t");
        assertEquals(ExitCode.USAGE, noWhere.exitCode(), noWhere::toString);
        assertTrue(noWhere.err().contains("--install-root"), noWhere::toString);
        CliRunner.Result status = CliRunner.run("status", "--install-root", dir.resolve("nothing").toString());
        assertEquals(ExitCode.STATE, status.exitCode(), status::toString);
        assertTrue(status.err().contains("not an install root"), status::toString);
    }
}
