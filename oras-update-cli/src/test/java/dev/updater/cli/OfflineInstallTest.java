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
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install inside the window after a {@code pull --prefetch} outside it, with the registry gone: the device
 * reaches the real registry through a proxy that is stopped after the prefetch, so every later request is refused.
 * The prefetched release is installed, verified again from what the prefetch kept; an expired TUF timestamp and a
 * changed kept file refuse it.
 */
class OfflineInstallTest {
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
    @RegisterExtension
    static final LocalRegistry.PerClass registry = LocalRegistry.perClass();

    @TempDir
    Path dir;

    private static String window(int fromHours, int toHours) {
        LocalTime now = LocalTime.now();
        return HH_MM.format(now.plusHours(fromHours)) + "-" + HH_MM.format(now.plusHours(toHours));
    }

    private void push(String repo, String version, String... extra) throws Exception {
        byte[] bytes = new byte[20_000];
        new Random(version.hashCode()).nextBytes(bytes);
        Path file = Files.createDirectories(dir.resolve("b-" + version)).resolve("app");
        Files.write(file, bytes);
        ok(with(new String[] {"push", repo, "--version", version, "--target", "t=" + file, "--channel", "stable",
            "--delta-from", "0", "--quiet", "--plain-http"}, extra));
    }

    private static String[] pull(String ref, Path root, String... extra) {
        return with(new String[] {"pull", ref, "--target", "t", "--install-root", root.toString(), "--retries", "1",
            "--plain-http"}, extra);
    }

    /**
     * Installs 1.0.0 on a device behind a fresh proxy, then (1.1.0 published) prefetches outside the window and
     * stops the proxy: the device's ref now points at a dead port.
     */
    private String prefetchThenGoOffline(String path, Path root, String... trust) {
        try (FaultProxy proxy = new FaultProxy(registry.port())) {
            String ref = proxy.hostPort() + "/" + path + ":stable";
            JsonNode deferred = json(ok(pull(ref, root, "--window", window(2, 3), "--prefetch", "--json")));
            assertEquals("deferred", deferred.path("status").asText(), deferred::toString);
            assertEquals(20_000, deferred.path("prefetchedBytes").asLong());
            assertEquals("1.1.0", deferred.path("candidateVersion").asText());
            return ref;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void installFirst(String path, Path root) throws Exception {
        try (FaultProxy proxy = new FaultProxy(registry.port())) {
            ok(pull(proxy.hostPort() + "/" + path + ":stable", root));
        }
    }

    private void assertOn(String version, Path root) throws Exception {
        assertEquals(Path.of("versions/" + version), Files.readSymbolicLink(root.resolve("current")));
        assertArrayEquals(Files.readAllBytes(dir.resolve("b-" + version + "/app")),
                Files.readAllBytes(root.resolve("current/app")));
    }

    @Test
    void without_trust_the_prefetched_release_installs_offline_and_a_changed_kept_file_refuses() throws Exception {
        String path = "offline/plain";
        String repo = registry.hostPort() + "/" + path;
        push(repo, "1.0.0");
        Path root = dir.resolve("device");
        Path tampered = dir.resolve("tampered");
        installFirst(path, root);
        installFirst(path, tampered);
        push(repo, "1.1.0");

        CliRunner.Result noPrefetch = CliRunner.run(pull("localhost:1/" + path + ":stable",
                dir.resolve("fresh"), "--window", window(-1, 1)));
        assertEquals(ExitCode.NETWORK, noPrefetch.exitCode(), () -> "nothing prefetched: " + noPrefetch);

        String ref = prefetchThenGoOffline(path, root);
        CliRunner.Result offline = CliRunner.run(pull(ref, root, "--window", window(-1, 1), "--json"));
        assertEquals(ExitCode.OK, offline.exitCode(), offline::toString);
        assertEquals("installed", json(offline).path("result").asText(), offline::toString);
        assertTrue(offline.err().contains("prefetched"), offline::toString);
        assertOn("1.1.0", root);
        assertFalse(Files.exists(root.resolve(".updater/prefetch")) && hasEntries(root.resolve(".updater/prefetch")),
                "the installed prefetch is dropped");

        // a byte changed in the kept release manifest: refused, nothing installed
        String tamperedRef = prefetchThenGoOffline(path, tampered);
        Path kept = onlyEntry(tampered.resolve(".updater/prefetch"));
        String release = json(ok("inspect", repo + ":stable", "--json", "--plain-http")).path("digest").asText();
        Path manifest = kept.resolve("blobs/sha256/" + release.substring("sha256:".length()));
        assertTrue(Files.isRegularFile(manifest), () -> "the kept release manifest " + manifest);
        byte[] bytes = Files.readAllBytes(manifest);
        bytes[bytes.length / 2] ^= 1;
        Files.write(manifest, bytes);
        CliRunner.Result refused = CliRunner.run(pull(tamperedRef, tampered, "--window", window(-1, 1)));
        assertEquals(ExitCode.VERIFICATION, refused.exitCode(), refused::toString);
        assertOn("1.0.0", tampered);

        // with the registry reachable, a release published after the prefetch wins over the kept one
        Path newer = dir.resolve("newer");
        ok(pull(repo + ":1.0.0", newer));
        JsonNode deferred = json(ok(pull(repo + ":stable", newer, "--window", window(2, 3), "--prefetch", "--json")));
        assertEquals("1.1.0", deferred.path("candidateVersion").asText(), deferred::toString);
        assertTrue(hasEntries(newer.resolve(".updater/prefetch")), "the prefetch is kept");
        push(repo, "1.2.0");
        JsonNode installed = json(ok(pull(repo + ":stable", newer, "--window", window(-1, 1), "--json")));
        assertEquals("1.2.0", installed.path("version").asText(), installed::toString);
        assertOn("1.2.0", newer);
        assertFalse(hasEntries(newer.resolve(".updater/prefetch")), "a prefetch older than the current version goes");
    }

    @Test
    void with_trust_the_prefetched_release_installs_offline_until_its_timestamp_expires() throws Exception {
        String path = "offline/trusted";
        String repo = registry.hostPort() + "/" + path;
        Path keys = dir.resolve("keys");
        Path work = dir.resolve("work");
        String[] trust = {"--registry", repo, "--repo", work.toString(), "--keys", keys.toString(), "--plain-http"};
        ok(with(new String[] {"trust", "init"}, trust));
        push(repo, "1.0.0", "--trust-keys", keys.toString());
        Path root = dir.resolve("device");
        Path late = dir.resolve("late");
        for (Path r : List.of(root, late)) {
            ok("trust", "bootstrap", work.resolve("metadata/1.root.json").toString(), "--install-root", r.toString());
            installFirst(path, r);
        }
        push(repo, "1.1.0", "--trust-keys", keys.toString());

        String ref = prefetchThenGoOffline(path, root);
        CliRunner.Result offline = CliRunner.run(pull(ref, root, "--window", window(-1, 1), "--json"));
        assertEquals(ExitCode.OK, offline.exitCode(), offline::toString);
        assertOn("1.1.0", root);

        // a timestamp valid for seconds: fine when prefetched, expired at the install, which then refuses
        Instant expires = Instant.parse(json(ok(with(new String[] {"trust", "timestamp", "--expires", "PT8S",
            "--json"}, trust))).path("expires").asText());
        String lateRef = prefetchThenGoOffline(path, late);
        while (Instant.now().isBefore(expires.plusSeconds(1))) {
            Thread.sleep(200);
        }
        CliRunner.Result expired = CliRunner.run(pull(lateRef, late, "--window", window(-1, 1)));
        assertEquals(ExitCode.VERIFICATION, expired.exitCode(), expired::toString);
        assertTrue(expired.err().contains("expired"), expired::toString);
        assertOn("1.0.0", late);
    }

    private static boolean hasEntries(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.findAny().isPresent();
        }
    }

    private static Path onlyEntry(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            List<Path> all = s.toList();
            assertEquals(1, all.size(), all::toString);
            return all.get(0);
        }
    }
}
