package dev.updater.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged CLI installing on a "device": several processes, SIGKILL, exit codes, status and rollback. */
class SafeInstallConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private List<byte[]> publish(String layout, String... versions) throws Exception {
        List<byte[]> payloads = new ArrayList<>();
        for (String v : versions) {
            byte[] bytes = new byte[40_000];
            new Random(v.hashCode()).nextBytes(bytes);
            Path app = dir.resolve("src-" + v).resolve("app");
            Files.createDirectories(app.getParent());
            Files.write(app, bytes);
            payloads.add(bytes);
            Cli.Result r = Cli.update("push", layout, "--version", v, "--target", "linux=" + app);
            assertEquals(0, r.exitCode(), r::toString);
        }
        return payloads;
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = Cli.update(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    @Test
    void installStatusHealthCheckAndRollbackThroughThePackagedCli() throws Exception {
        String layout = "oci:" + dir.resolve("layout");
        List<byte[]> payloads = publish(layout, "1.0.0", "2.0.0", "3.0.0");
        String root = dir.resolve("device").toString();
        ok("pull", layout + ":1.0.0", "--target", "linux", "--install-root", root);
        Cli.Result json = ok("pull", layout + ":2.0.0", "--target", "linux", "--install-root", root, "--json");
        List<String> states = new ArrayList<>();
        for (String line : json.out().strip().split("\n")) {
            JsonNode n = JSON.readTree(line);
            if (n.has("state")) states.add(n.get("state").asText());
        }
        assertEquals(List.of("fetching", "validating", "applying", "switching", "committed"), states, json::toString);

        Cli.Result sick = Cli.update("pull", layout + ":3.0.0", "--target", "linux", "--install-root", root,
                "--health-cmd", "exit 1");
        assertEquals(8, sick.exitCode(), sick::toString);
        assertArrayEquals(payloads.get(1), Files.readAllBytes(Path.of(root, "current/app")));

        Cli.Result down = Cli.update("pull", layout + ":1.0.0", "--target", "linux", "--install-root", root);
        assertEquals(7, down.exitCode(), down::toString);

        ok("rollback", "--install-root", root);
        JsonNode status = JSON.readTree(ok("status", "--install-root", root, "--json").out());
        assertEquals("1.0.0", status.path("current").path("version").asText(), status::toString);
        assertArrayEquals(payloads.get(0), Files.readAllBytes(Path.of(root, "current/app")));
        Cli.Result none = Cli.update("rollback", "--install-root", root);
        assertEquals(7, none.exitCode(), none::toString);
    }

    @Test
    void twoPullsOnOneInstallRootAtOnceNeverBothInstall() throws Exception {
        String layout = "oci:" + dir.resolve("layout");
        publish(layout, "1.0.0", "2.0.0", "3.0.0");
        String root = dir.resolve("device").toString();
        ok("pull", layout + ":1.0.0", "--target", "linux", "--install-root", root);

        // The health check keeps the winner holding the lock long after the other one gave up waiting.
        List<Process> pulls = new ArrayList<>();
        for (String v : List.of("2.0.0", "3.0.0")) {
            pulls.add(new ProcessBuilder(Cli.launcher().toString(), "pull", layout + ":" + v, "--target", "linux",
                    "--install-root", root, "--lock-timeout", "0.5", "--health-cmd", "sleep 4")
                    .redirectErrorStream(true).start());
        }
        List<Integer> codes = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        for (Process p : pulls) {
            outputs.add(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            codes.add(p.exitValue());
        }
        assertEquals(List.of(0, 7), codes.stream().sorted().toList(), outputs::toString);
        int winner = codes.indexOf(0);
        assertTrue(outputs.get(1 - winner).contains("in use by another updater"), outputs::toString);
        String installed = winner == 0 ? "2.0.0" : "3.0.0";
        assertEquals(Path.of("versions", installed), Files.readSymbolicLink(Path.of(root, "current")));
        try (var versions = Files.list(Path.of(root, "versions"))) {
            assertEquals(List.of("1.0.0", installed), versions.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void sigkilledPullIsRecoveredByTheNextOne() throws Exception {
        String layout = "oci:" + dir.resolve("layout");
        List<byte[]> payloads = publish(layout, "1.0.0", "2.0.0");
        String root = dir.resolve("device").toString();
        ok("pull", layout + ":1.0.0", "--target", "linux", "--install-root", root);

        ProcessBuilder builder = new ProcessBuilder(Cli.launcher().toString(), "pull", layout + ":2.0.0", "--target",
                "linux", "--install-root", root).redirectErrorStream(true);
        builder.environment().put("UPDATE_JAVA_OPTS", "-Ddev.updater.install.crashAt=switch:link-created");
        Process pull = builder.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(pull.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("CRASHPOINT switch:link-created", out.readLine());
        } finally {
            pull.destroyForcibly(); // the launcher execs java: this is SIGKILL to the JVM itself
            pull.waitFor(30, TimeUnit.SECONDS);
        }
        Cli.Result status = ok("status", "--install-root", root);
        assertTrue(status.out().contains("pending in state switching"), status::toString);

        Cli.Result again = Cli.updateWithEnv(Map.of(), "pull", layout + ":2.0.0", "--target", "linux",
                "--install-root", root);
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.err().contains("recovered: completed the interrupted switch"), again::toString);
        assertTrue(again.out().contains("already current"), again::toString);
        assertArrayEquals(payloads.get(1), Files.readAllBytes(Path.of(root, "current/app")));
        assertArrayEquals(payloads.get(0), Files.readAllBytes(Path.of(root, "versions/1.0.0/app")));
    }
}
