package dev.updater.cli;

import static dev.updater.cli.RolloutRegistryTest.json;
import static dev.updater.cli.RolloutRegistryTest.ok;
import static dev.updater.cli.RolloutRegistryTest.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.testing.FaultProxy;
import dev.updater.schema.Json;
import dev.updater.registry.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an idle poll costs, counted by a proxy in front of the real registry: requests and blob bytes of a device
 * that polls with nothing changed, before (the full pipeline of 'update pull') and after ('update check' with its
 * poll cache), and that a change is still seen at the next poll.
 */
class PollCostTest {
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

    private void push(String repo, String version, String... extra) throws Exception {
        byte[] bytes = new byte[20_000];
        new Random(version.hashCode()).nextBytes(bytes);
        Path file = Files.createDirectories(dir.resolve("b-" + version)).resolve("app");
        Files.write(file, bytes);
        ok(with(new String[] {"push", repo, "--version", version, "--target", "t=" + file, "--channel", "stable",
            "--delta-from", "0", "--quiet", "--plain-http"}, extra));
    }

    /** Runs one command with fresh counters and returns what it cost. */
    private static Cost measure(String... args) {
        proxy.setFault((m, p, n) -> FaultProxy.pass());
        CliRunner.Result r = ok(args);
        return new Cost(r, proxy.requests(), proxy.blobBodyBytes());
    }

    private record Cost(CliRunner.Result result, List<String> requests, long blobBytes) {
        JsonNode json() {
            return RolloutRegistryTest.json(result);
        }

        List<String> blobGets() {
            return requests.stream().filter(r -> r.startsWith("GET ") && r.contains("/blobs/")).toList();
        }

        @Override
        public String toString() {
            return requests.size() + " request(s) " + requests + ", " + blobBytes + " blob bytes";
        }
    }

    /** Forgets what the last full check saw, so the next poll runs the full pipeline. */
    private static void forgetPolls(Path root) throws Exception {
        Path poll = root.resolve(".updater/poll");
        if (!Files.isDirectory(poll)) return;
        try (var files = Files.list(poll)) {
            for (Path f : files.toList()) Files.delete(f);
        }
    }

    private static String[] pull(String ref, Path root) {
        return new String[] {"pull", ref, "--target", "t", "--install-root", root.toString(), "--json",
            "--plain-http"};
    }

    private static String[] check(String ref, Path root) {
        return new String[] {"check", ref, "--target", "t", "--install-root", root.toString(), "--json",
            "--plain-http"};
    }

    @Test
    void idle_poll_without_trust_is_one_head() throws Exception {
        String repo = proxy.hostPort() + "/poll/plain";
        push(repo, "1.0.0");
        Path root = dir.resolve("device");
        ok("pull", repo + ":stable", "--target", "t", "--install-root", root.toString(), "--plain-http");

        forgetPolls(root); // "before": the full pipeline, as every pull ran it before it used the poll cache
        Cost before = measure("pull", repo + ":stable", "--target", "t", "--install-root", root.toString(),
                "--plain-http");
        forgetPolls(root);
        Cost first = measure(check(repo + ":stable", root));
        assertEquals("up-to-date", first.json().path("status").asText());
        assertEquals("miss", first.json().path("pollCache").asText());
        // the tag names the release the device installed: up to date without its update manifest (no blob at all)
        assertEquals(List.of(), first.blobGets(), first::toString);
        assertEquals(2, first.requests().size(), first::toString);
        Cost idle = measure(check(repo + ":stable", root));
        System.out.println("idle poll without trust: before (pull, full pipeline) " + before + "; first check "
                + first + "; after (idle check) " + idle);
        assertEquals("up-to-date", idle.json().path("status").asText());
        assertEquals("hit", idle.json().path("pollCache").asText());
        assertEquals(1, idle.requests().size(), idle::toString);
        assertTrue(idle.requests().get(0).startsWith("HEAD "), idle::toString);
        assertEquals(0, idle.blobBytes(), idle::toString);
        assertTrue(before.requests().size() > idle.requests().size(), before::toString);
        Cost idlePull = measure(pull(repo + ":stable", root));
        System.out.println("idle pull --install-root without trust: " + idlePull);
        assertEquals("up-to-date", idlePull.json().path("result").asText(), idlePull::toString);
        assertEquals("hit", idlePull.json().path("pollCache").asText(), idlePull::toString);
        assertEquals(1, idlePull.requests().size(), idlePull::toString);
        assertTrue(idlePull.requests().get(0).startsWith("HEAD "), idlePull::toString);
        assertEquals(0, idlePull.blobBytes(), idlePull::toString);

        // a new release is seen at the next poll, and a device not on it also watches its policy: two HEADs
        push(repo, "1.1.0");
        Cost changed = measure(check(repo + ":stable", root));
        assertEquals("available", changed.json().path("status").asText(), changed::toString);
        assertEquals("1.1.0", changed.json().path("candidateVersion").asText());
        ok("rollout", repo, "--channel", "stable", "--percent", "0", "--plain-http");
        Cost halted = measure(check(repo + ":stable", root));
        assertEquals("not-eligible", halted.json().path("status").asText(), halted::toString);
        Cost idleHalted = measure(check(repo + ":stable", root));
        System.out.println("idle poll without trust, device not on the release: " + idleHalted);
        assertEquals("not-eligible", idleHalted.json().path("status").asText());
        assertEquals("hit", idleHalted.json().path("pollCache").asText());
        assertEquals(2, idleHalted.requests().size(), idleHalted::toString);
        assertEquals(0, idleHalted.blobBytes());
        Cost idleHaltedPull = measure(pull(repo + ":stable", root));
        assertEquals("not-eligible", idleHaltedPull.json().path("result").asText(), idleHaltedPull::toString);
        assertEquals(idleHalted.requests(), idleHaltedPull.requests(), "an idle pull costs what an idle check does");
        assertEquals(0, idleHaltedPull.blobBytes());
        ok("rollout", repo, "--channel", "stable", "--percent", "100", "--plain-http");
        Cost resumed = measure(check(repo + ":stable", root));
        assertEquals("available", resumed.json().path("status").asText(), resumed::toString);
        // the cache said available: the pull runs the full pipeline and installs
        JsonNode installed = measure(pull(repo + ":stable", root)).json();
        assertEquals("installed", installed.path("result").asText(), installed::toString);
        assertEquals("1.1.0", installed.path("version").asText());
    }

    @Test
    void idle_poll_with_trust_is_the_root_probe_and_one_head() throws Exception {
        String repo = proxy.hostPort() + "/poll/trusted";
        Path keys = dir.resolve("keys");
        Path work = dir.resolve("work");
        String[] trust = {"--registry", repo, "--repo", work.toString(), "--keys", keys.toString(), "--plain-http"};
        ok(with(new String[] {"trust", "init"}, trust));
        push(repo, "1.0.0", "--trust-keys", keys.toString());
        Path root = dir.resolve("device");
        ok("trust", "bootstrap", work.resolve("metadata/1.root.json").toString(), "--install-root", root.toString());
        ok("pull", repo + ":stable", "--target", "t", "--install-root", root.toString(), "--plain-http");

        forgetPolls(root); // "before": the full pipeline, as every pull ran it before it used the poll cache
        Cost before = measure("pull", repo + ":stable", "--target", "t", "--install-root", root.toString(),
                "--plain-http");
        forgetPolls(root);
        Cost first = measure(check(repo + ":stable", root));
        assertEquals("up-to-date", first.json().path("status").asText(), first::toString);
        // the signed targets name the installed release: its update manifest (the config blob) is not read
        String config = Json.parse(RolloutRegistryTest.manifestBytes(repo, "1.0.0"), "manifest").path("config")
                .path("digest").asText();
        assertTrue(config.startsWith("sha256:"), config);
        assertFalse(first.requests().stream().anyMatch(r -> r.contains(config)), first::toString);
        Cost idle = measure(check(repo + ":stable", root));
        System.out.println("idle poll with trust: before (pull, full pipeline) " + before + "; first check " + first
                + "; after (idle check) " + idle);
        assertEquals("hit", idle.json().path("pollCache").asText());
        assertTrue(idle.requests().size() <= 2, idle::toString);
        assertEquals(0, idle.blobBytes(), idle::toString);
        assertTrue(before.requests().size() > idle.requests().size(), before::toString);
        Cost idlePull = measure(pull(repo + ":stable", root));
        System.out.println("idle pull --install-root with trust: " + idlePull);
        assertEquals("up-to-date", idlePull.json().path("result").asText(), idlePull::toString);
        assertEquals("hit", idlePull.json().path("pollCache").asText(), idlePull::toString);
        assertTrue(idlePull.requests().size() <= 2, idlePull::toString);
        assertEquals(0, idlePull.blobBytes(), idlePull::toString);

        // a new timestamp (nothing else changed) is one full check, then idle again
        ok(with(new String[] {"trust", "timestamp"}, trust));
        Cost refreshed = measure(check(repo + ":stable", root));
        assertEquals("miss", refreshed.json().path("pollCache").asText(), refreshed::toString);
        assertEquals("up-to-date", refreshed.json().path("status").asText());
        assertEquals("hit", measure(check(repo + ":stable", root)).json().path("pollCache").asText());

        // a signed rollout change and a new release are seen at the next poll
        push(repo, "1.1.0", "--trust-keys", keys.toString());
        ok("rollout", repo, "--channel", "stable", "--percent", "0", "--trust-keys", keys.toString(), "--plain-http");
        JsonNode halted = measure(check(repo + ":stable", root)).json();
        assertEquals("not-eligible", halted.path("status").asText(), halted::toString);
        assertEquals("1.1.0", halted.path("candidateVersion").asText());
        Cost idleHalted = measure(check(repo + ":stable", root));
        assertTrue(idleHalted.requests().size() <= 2, idleHalted::toString);
        assertEquals("not-eligible", idleHalted.json().path("status").asText());
    }
}
