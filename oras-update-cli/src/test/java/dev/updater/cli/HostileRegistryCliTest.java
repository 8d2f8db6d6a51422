package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.testing.FaultProxy;
import dev.updater.registry.testing.HostileServer;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.schema.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code update pull} and {@code update versions} against registries that answer badly: the documented exit code
 * (5 network, 6 auth, never 1), a message naming the registry and quoting what it sent, and no output file.
 */
class HostileRegistryCliTest {
    @TempDir
    Path dir;
    HostileServer server;

    @BeforeEach
    void start() throws Exception {
        server = HostileServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path output() {
        return dir.resolve("out/app.bin");
    }

    private CliRunner.Result pull(String reference, String... more) {
        String[] base = {"pull", reference, "--target", "linux-amd64", "--output", output().toString(),
                "--state-dir", dir.resolve("state").toString()};
        String[] args = Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> CliRunner.run(args));
    }

    private void assertFailed(CliRunner.Result r, int exit, String... parts) {
        assertEquals(exit, r.exitCode(), r::toString);
        for (String part : parts) assertTrue(r.err().contains(part), () -> "'" + part + "' missing: " + r);
        assertFalse(r.err().contains("unexpected failure"), r::toString);
        assertFalse(r.err().contains("\u001b"), r::toString);
        assertFalse(Files.exists(output()), "nothing is written");
    }

    @Test
    void redirectToAFileUrlIsExit5() {
        server.on((request, out) -> HostileServer.reply(out, 302, Map.of("Location", "file:///etc/shadow"), ""));
        assertFailed(pull(server.hostPort() + "/acme/app:1.0.0", "--plain-http"), ExitCode.NETWORK,
                server.hostPort(), "'file:///etc/shadow'");
    }

    @Test
    void bearerRealmThatIsNotAnHttpUrlIsExit6() {
        server.on((request, out) -> HostileServer.reply(out, 401,
                Map.of("WWW-Authenticate", "Bearer realm=\"file:///etc/shadow\",service=\"x\""), ""));
        assertFailed(pull(server.hostPort() + "/acme/app:1.0.0", "--plain-http"), ExitCode.AUTH,
                server.hostPort(), "'file:///etc/shadow'", "not an http(s) URL");
    }

    @Test
    void loopingTagPagesAreExit5WithoutPrintingDuplicates() {
        server.on((request, out) -> HostileServer.reply(out, 200, Map.of("Content-Type", "application/json",
                "Link", "</v2/acme/app/tags/list?last=1.0.0>; rel=\"next\""), "{\"tags\":[\"1.0.0\"]}"));
        CliRunner.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> CliRunner.run("versions", server.hostPort() + "/acme/app", "--plain-http"));
        assertFailed(r, ExitCode.NETWORK, server.hostPort() + "/acme/app", "loop");
        assertEquals("", r.out(), r::toString);
        assertEquals(2, server.requests().size());
    }

    @Test
    void retryAfterBeyondTheBudgetIsExit5AtOnce() {
        server.on((request, out) -> HostileServer.reply(out, 429, Map.of("Retry-After", "86400"), ""));
        long start = System.nanoTime();
        assertFailed(pull(server.hostPort() + "/acme/app:1.0.0", "--plain-http"), ExitCode.NETWORK,
                "HTTP 429", "Retry-After: '86400'", "Try again later");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
        assertEquals(1, server.requests().size());
    }

    /** The real docker-registry on plain HTTP, spoken to in TLS: the user forgot --plain-http. */
    @Test
    void forgottenPlainHttpIsExit5WithinTwoSecondsAndSaysSo() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            long start = System.nanoTime();
            CliRunner.Result r = pull(registry.hostPort() + "/acme/app:1.0.0");
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            System.out.println("forgotten --plain-http against docker-registry: exit " + r.exitCode() + " in "
                    + millis + " ms: " + r.err().strip());
            assertFailed(r, ExitCode.NETWORK, registry.hostPort(), "TLS", "add --plain-http");
            assertTrue(millis < 2000, millis + " ms");
        }
    }

    @Test
    void untrustedCertificateIsExit5NamingTheTrustStore() throws Exception {
        try (HostileServer tls = HostileServer.startTls()) {
            long start = System.nanoTime();
            CliRunner.Result r = pull(tls.hostPort() + "/acme/app:1.0.0");
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertFailed(r, ExitCode.NETWORK, tls.hostPort(), "not trusted", "trust store", "--ca-file");
            assertTrue(millis < 2000, millis + " ms");
            assertEquals(1, tls.connections(), "not retried");
        }
    }

    @Test
    void unknownHostIsExit5SayingTheNameDidNotResolve() {
        long start = System.nanoTime();
        CliRunner.Result r = pull("registry.example.invalid/acme/app:1.0.0");
        assertFailed(r, ExitCode.NETWORK, "'registry.example.invalid'", "did not resolve");
        assertFalse(r.err().contains("refused"), r::toString);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
    }

    /** A payload crawling at 40 bytes/s never stalls outright; the throughput rule ends it, keeping the part. */
    @Test
    void tricklingPayloadIsExit5WithAResumeHint() throws Exception {
        Path app = dir.resolve("app");
        byte[] bytes = new byte[200_000];
        new Random(7).nextBytes(bytes);
        Files.write(app, bytes);
        try (LocalRegistry registry = LocalRegistry.start(); FaultProxy proxy = new FaultProxy(registry.port())) {
            CliRunner.Result pushed = CliRunner.run("push", registry.hostPort() + "/acme/app", "--plain-http",
                    "--version", "1.0.0", "--target", "linux-amd64=" + app);
            assertEquals(0, pushed.exitCode(), pushed::toString);
            String payload = Digest.of(bytes).hex();
            proxy.setFault((method, path, n) -> path.contains(payload) ? new FaultProxy.Trickle(4, 100)
                    : FaultProxy.pass());
            System.setProperty("update.transfer.minBytesPerSecond", "1024");
            System.setProperty("update.transfer.rateWindowMillis", "300");
            CliRunner.Result r;
            try {
                r = pull(proxy.hostPort() + "/acme/app:1.0.0", "--plain-http");
            } finally {
                System.clearProperty("update.transfer.minBytesPerSecond");
                System.clearProperty("update.transfer.rateWindowMillis");
            }
            assertFailed(r, ExitCode.NETWORK, "below the minimum of 1024 bytes/s",
                    "run the same command again to resume");
            try (Stream<Path> parts = Files.list(dir.resolve("state/downloads"))) {
                assertTrue(parts.anyMatch(p -> p.toString().endsWith(".part")), "the partial file is kept");
            }
        }
    }

    /** The update manifest (a small blob read whole) cut off mid-body: exit 5, not an "unexpected failure". */
    @Test
    void updateManifestCutOffMidBodyIsExit5() throws Exception {
        Path app = dir.resolve("app");
        Files.writeString(app, "payload");
        try (LocalRegistry registry = LocalRegistry.start(); FaultProxy proxy = new FaultProxy(registry.port())) {
            CliRunner.Result pushed = CliRunner.run("push", registry.hostPort() + "/acme/app", "--plain-http",
                    "--version", "1.0.0", "--target", "linux-amd64=" + app);
            assertEquals(0, pushed.exitCode(), pushed::toString);
            String payload = Digest.of(Files.readAllBytes(app)).hex();
            proxy.setFault((method, path, n) -> n > 0 && !path.contains(payload) ? new FaultProxy.TruncateAfter(10)
                    : FaultProxy.pass());
            assertFailed(pull(proxy.hostPort() + "/acme/app:1.0.0", "--plain-http"), ExitCode.NETWORK,
                    proxy.hostPort() + "/acme/app", "run the same command again");
        }
    }
}
