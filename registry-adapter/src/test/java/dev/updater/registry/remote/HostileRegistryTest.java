package dev.updater.registry.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.BlobDownloader;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.TransferListener;
import dev.updater.registry.testing.HostileServer;
import dev.updater.schema.Digest;
import dev.updater.schema.Failure;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.UpdaterException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A registry that answers badly on purpose. Whatever it sends, the client ends with a typed failure (never an
 * unchecked exception of the JDK, which would be exit 1), names the registry and quotes what it sent as escaped data,
 * does not retry what cannot improve, and sends credentials nowhere but the registry.
 */
class HostileRegistryTest {
    private static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofSeconds(20));
    private static final String ESC = "\u001b";

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

    private ReleaseStore open(String hostPort, boolean plainHttp, RetryPolicy retry, RegistryCredentials c) {
        return ReleaseStores.open(StoreReference.parse(hostPort + "/hostile/repo"), ReleaseStores.Options.defaults()
                .withPlainHttp(plainHttp).withRetry(retry).withCredentials(c));
    }

    private ReleaseStore open() {
        return open(server.hostPort(), true, QUICK, RegistryCredentials.anonymous());
    }

    /** The failure, which must be one of ours (typed, with a documented exit code), within a few seconds. */
    private static UpdaterException failure(Failure expected, Runnable call) {
        UpdaterException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(UpdaterException.class, call::run));
        assertEquals(expected, e.failure(), e::toString);
        assertFalse(e.getMessage().contains(ESC), "raw ESC in: " + e.getMessage());
        return e;
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) assertTrue(message.contains(part), "'" + part + "' missing from: " + message);
    }

    private static HostileServer.Handler always(int status, Map<String, String> headers, String body) {
        return (request, out) -> HostileServer.reply(out, status, headers, body);
    }

    // --- redirects and challenges that are not http(s) URLs

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "mailto:root@localhost", "http://127.0.0.1:99999999/x",
            "http:///no-host", "ftp://127.0.0.1/x"})
    void redirectToSomethingNotAnHttpUrlIsReportedNotFollowed(String location) {
        server.on(always(302, Map.of("Location", location), ""));
        UpdaterException e = failure(Failure.NETWORK, () -> open().fetchManifest("1.0.0"));
        assertContains(e.getMessage(), server.hostPort(), "'" + location + "'", "not an http(s) URL");
        assertEquals(1, server.requests().size(), "not retried");
    }

    @Test
    void redirectWithAMalformedLocationIsReportedEscaped() {
        server.on(always(307, Map.of("Location", "http://bad host/%zz"), ""));
        UpdaterException e = failure(Failure.NETWORK, () -> open().fetchManifest("1.0.0"));
        assertContains(e.getMessage(), server.hostPort(), "malformed Location", "'http://bad host/%zz'");
        assertEquals(1, server.requests().size(), "not retried");
    }

    /** java.net.http refuses a header with control characters; its message quotes them, so it is escaped too. */
    @Test
    void headerWithTerminalEscapesIsAMalformedResponseNotRetried() {
        server.on(always(302, Map.of("Location", "http://x/" + ESC + "[2J" + ESC + "]0;owned\u0007"), ""));
        UpdaterException e = failure(Failure.NETWORK, () -> open().fetchManifest("1.0.0"));
        assertContains(e.getMessage(), server.hostPort(), "malformed HTTP response", "\\u001b[2J");
        assertEquals(1, server.requests().size(), "not retried");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "", "/token", "ldap://auth.example/token", "http://[::1"})
    void bearerRealmThatIsNotAnHttpUrlIsAnAuthFailure(String realm) {
        server.on(always(401, Map.of("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"reg\""), ""));
        UpdaterException e = failure(Failure.AUTH, () -> open().fetchManifest("1.0.0"));
        assertContains(e.getMessage(), server.hostPort(), "'" + realm + "'", "not an http(s) URL");
    }

    /** Garbage in WWW-Authenticate ends in our auth or protocol failure, never in a JDK exception. */
    @ParameterizedTest
    @ValueSource(strings = {"Bearer realm=", "Bearer realm=\"", "Bearer realm=\"http://", "Bearer ,,,====\"\"\"",
            "Bearer realm=\"http://x:99999999/t\"", "Bearer realm=\"http://%zz/\"", "Basic, Bearer realm=\" \""})
    void garbageChallengeIsATypedFailure(String header) {
        server.on(always(401, Map.of("WWW-Authenticate", header), ""));
        UpdaterException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(UpdaterException.class, () -> open().fetchManifest("1.0.0")));
        assertTrue(e.failure() == Failure.AUTH || e.failure() == Failure.NETWORK, e::toString);
        assertContains(e.getMessage(), server.hostPort());
    }

    /** A token service that never stops sending must neither fill memory nor hold the command. */
    @Test
    void endlessTokenResponseIsRefused() throws Exception {
        try (HostileServer tokens = HostileServer.start()) {
            tokens.on((request, out) -> {
                HostileServer.head(out, 200, Map.of("Content-Type", "application/json"));
                byte[] spaces = " ".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                out.write('{');
                for (int i = 0; i < 1 << 20; i++) out.write(spaces);
            });
            server.on(always(401, Map.of("WWW-Authenticate", "Bearer realm=\"http://" + tokens.hostPort()
                    + "/token\",service=\"reg\""), ""));
            UpdaterException e = failure(Failure.NETWORK, () -> open().fetchManifest("1.0.0"));
            assertContains(e.getMessage(), server.hostPort(), tokens.hostPort(), "larger than 1 MiB");
        }
    }

    @Test
    void redirectLoopEndsAtOnceWithoutRetries() {
        server.on((request, out) -> HostileServer.reply(out, 302, Map.of("Location", request.path()), ""));
        UpdaterException e = failure(Failure.NETWORK, () -> open().fetchManifest("1.0.0"));
        assertContains(e.getMessage(), server.hostPort(), "redirect loop");
        assertEquals(1, server.requests().size(), "the loop is seen once, not retried");
    }

    // --- tag lists

    @Test
    void tagPaginationThatLoopsIsReported() {
        server.on((request, out) -> HostileServer.reply(out, 200, Map.of("Content-Type", "application/json",
                "Link", request.path().contains("last=b") ? "</v2/hostile/repo/tags/list>; rel=\"next\""
                        : "</v2/hostile/repo/tags/list?last=b>; rel=\"next\""),
                request.path().contains("last=b") ? "{\"tags\":[\"c\"]}" : "{\"tags\":[\"a\",\"b\"]}"));
        UpdaterException e = failure(Failure.NETWORK, () -> open().listTags());
        assertContains(e.getMessage(), server.hostPort() + "/hostile/repo", "loop", "page 3");
        assertEquals(2, server.requests().size());
    }

    @Test
    void tagListThatIsNotJsonIsARegistryFault() {
        server.on(always(200, Map.of("Content-Type", "text/html"), "<html>" + ESC + "]0;owned" + "\u0007</html>"));
        UpdaterException e = failure(Failure.NETWORK, () -> open().listTags());
        assertContains(e.getMessage(), server.hostPort(), "not JSON", "\\u001b]0;owned\\u0007");
    }

    @Test
    void giganticTagListPageIsRefused() {
        String tags = "\"v-0000000000\",".repeat(700_000);
        server.on(always(200, Map.of("Content-Type", "application/json"), "{\"tags\":[" + tags + "\"x\"]}"));
        UpdaterException e = failure(Failure.NETWORK, () -> open().listTags());
        assertContains(e.getMessage(), server.hostPort(), "larger than 8 MiB");
    }

    @Test
    void errorBodyWithTerminalEscapesIsCutAndEscaped() {
        String body = ESC + "]0;pwned" + "\u0007" + ESC + "[2J\r\nupdate: installed 9.9.9\n" + "A".repeat(1_000_000);
        server.on(always(400, Map.of("Content-Type", "text/plain"), body));
        UpdaterException e = failure(Failure.NETWORK, () -> open().listTags());
        assertContains(e.getMessage(), "HTTP 400", "\\u001b]0;pwned\\u0007\\u001b[2J\\r\\nupdate: installed");
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().length() < 1000, "cut: " + e.getMessage().length() + " characters");
    }

    /** A Link to another host must not take the registry's credentials along (nor be followed at all). */
    @Test
    void paginationLinkToAnotherHostGetsNoCredentials() throws Exception {
        try (HostileServer other = HostileServer.start()) {
            other.on(always(200, Map.of("Content-Type", "application/json"), "{\"tags\":[\"evil\"]}"));
            server.on((request, out) -> {
                if (request.header("authorization") == null) {
                    HostileServer.reply(out, 401, Map.of("WWW-Authenticate", "Basic realm=\"reg\""), "");
                } else {
                    HostileServer.reply(out, 200, Map.of("Content-Type", "application/json", "Link",
                            "<http://" + other.hostPort() + "/v2/hostile/repo/tags/list?last=a>; rel=\"next\""),
                            "{\"tags\":[\"a\"]}");
                }
            });
            Supplier<ReleaseStore> store = () -> open(server.hostPort(), true, QUICK,
                    RegistryCredentials.explicit("alice", "secret"));
            UpdaterException e = failure(Failure.NETWORK, () -> store.get().listTags());
            assertContains(e.getMessage(), "outside the registry", other.hostPort());
            assertTrue(other.requests().stream().allMatch(r -> r.header("authorization") == null),
                    "credentials leaked to " + other.hostPort());
        }
    }

    /**
     * A redirect to another host that then asks for a bearer token must not start our token flow: the realm it names
     * is the other host's choice, and our credentials belong to the registry.
     */
    @Test
    void redirectedHostsChallengeGetsNoTokenRequest() throws Exception {
        try (HostileServer other = HostileServer.start(); HostileServer tokens = HostileServer.start()) {
            tokens.on(always(200, Map.of("Content-Type", "application/json"), "{\"token\":\"t\"}"));
            other.on(always(401, Map.of("WWW-Authenticate", "Bearer realm=\"http://" + tokens.hostPort()
                    + "/token\",service=\"evil\""), ""));
            server.on((request, out) -> {
                if (request.header("authorization") == null) {
                    HostileServer.reply(out, 401, Map.of("WWW-Authenticate", "Basic realm=\"reg\""), "");
                } else {
                    HostileServer.reply(out, 307, Map.of("Location", "http://" + other.hostPort() + request.path()),
                            "");
                }
            });
            ReleaseStore store = open(server.hostPort(), true, QUICK, RegistryCredentials.explicit("alice", "secret"));
            UpdaterException e = failure(Failure.AUTH, () -> store.fetchManifest("1.0.0"));
            assertContains(e.getMessage(), other.hostPort(), "never sent to another host");
            assertTrue(tokens.requests().isEmpty(), "asked the other host's token service: " + tokens.requests());
            assertTrue(other.requests().stream().allMatch(r -> r.header("authorization") == null));
        }
    }

    /** An upload Location on another host gets the blob, but not the registry's credentials. */
    @Test
    void uploadLocationOnAnotherHostGetsNoCredentials() throws Exception {
        try (HostileServer other = HostileServer.start()) {
            other.on(always(201, Map.of(), ""));
            server.on((request, out) -> {
                if (request.header("authorization") == null) {
                    HostileServer.reply(out, 401, Map.of("WWW-Authenticate", "Basic realm=\"reg\""), "");
                } else if (request.method().equals("HEAD")) {
                    HostileServer.reply(out, 404, Map.of(), "");
                } else {
                    HostileServer.reply(out, 202, Map.of("Location", "http://" + other.hostPort() + "/upload/1"), "");
                }
            });
            byte[] content = "payload".getBytes(StandardCharsets.UTF_8);
            OciDescriptor blob = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(content), content.length);
            try (ReleaseStore store = open(server.hostPort(), true, QUICK,
                    RegistryCredentials.explicit("alice", "secret"))) {
                store.pushBlob(blob, dev.updater.registry.BlobSource.of(content));
            }
            assertEquals(1, other.requests().size(), other.requests().toString());
            assertEquals(null, other.requests().get(0).header("authorization"), "credentials sent to another host");
        }
    }

    @Test
    void endlessAnswerToAManifestPushIsCutNotBuffered() {
        server.on((request, out) -> {
            HostileServer.head(out, 400, Map.of("Content-Type", "application/json"));
            out.write("{\"errors\":[{\"code\":\"MANIFEST_INVALID\",\"message\":\"".getBytes(StandardCharsets.US_ASCII));
            byte[] block = ("x" + ESC + "[2K").repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 1 << 16; i++) out.write(block); // 4 GiB if read to the end
        });
        UpdaterException e = failure(Failure.NETWORK, () -> {
            try (ReleaseStore store = open()) {
                store.pushManifest("{}".getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_MANIFEST, "1.0.0");
            }
        });
        assertContains(e.getMessage(), "refused manifest", "HTTP 400", "MANIFEST_INVALID", "(cut after");
        assertTrue(e.getMessage().length() < 1_000, e::getMessage);
    }

    // --- Retry-After

    @Test
    void retryAfterLongerThanTheBudgetGivesUpAtOnceNamingTheWish() {
        server.on(always(429, Map.of("Retry-After", "3600"), ""));
        long start = System.nanoTime();
        UpdaterException e = failure(Failure.NETWORK, () -> open().fetchManifest("1.0.0"));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
        assertContains(e.getMessage(), server.hostPort(), "HTTP 429", "Retry-After: '3600'", "1 h", "Try again later");
        assertEquals(1, server.requests().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775807", "99999999999999999999999"})
    void retryAfterBeyondAnyNumberIsALongWishNotAnOverflow(String value) {
        server.on(always(503, Map.of("Retry-After", value), ""));
        UpdaterException e = failure(Failure.NETWORK, () -> open().fetchManifest("1.0.0"));
        assertContains(e.getMessage(), "HTTP 503", "Retry-After: '" + value + "'", "days");
        assertEquals(1, server.requests().size());
    }

    @Test
    void retryAfterAsAnHttpDateTomorrowGivesUpAtOnce() {
        String tomorrow = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusDays(1));
        server.on(always(503, Map.of("Retry-After", tomorrow), ""));
        UpdaterException e = failure(Failure.NETWORK, () -> open().fetchManifest("1.0.0"));
        assertContains(e.getMessage(), "Retry-After: '" + tomorrow + "'", "23 h");
        assertEquals(1, server.requests().size());
    }

    // --- bodies

    /** A Content-Length beyond the manifest limit is refused before reading: the server need not send it. */
    @Test
    void manifestDeclaredLargerThanTheLimitIsRefusedWithoutWaitingForIt() {
        server.on((request, out) -> {
            HostileServer.head(out, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST,
                    "Content-Length", String.valueOf(1L << 30)));
            out.write("{\"schemaVersion\":2".getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(60_000);
        });
        UpdaterException e = failure(Failure.VERIFICATION, () -> open().fetchManifest("1.0.0"));
        assertContains(e.getMessage(), server.hostPort(), "larger than 4 MiB", "Content-Length 1073741824");
    }

    /**
     * A small document (update manifest, signature, TUF metadata) cut off mid-body is a network failure, not an
     * IOException its caller would take for a local one.
     */
    @Test
    void blobCutOffMidBodyIsANetworkFailure() throws Exception {
        byte[] content = new byte[1000];
        OciDescriptor blob = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(content), content.length);
        server.on((request, out) -> {
            HostileServer.head(out, 200, Map.of("Content-Length", String.valueOf(content.length)));
            out.write(content, 0, 100);
            out.flush();
        });
        try (ReleaseStore store = open()) {
            UpdaterException e = failure(Failure.NETWORK, () -> {
                try (var in = store.openBlob(blob)) {
                    in.readAllBytes();
                } catch (java.io.IOException io) {
                    throw new java.io.UncheckedIOException(io);
                }
            });
            assertContains(e.getMessage(), blob.digest().toString(), server.hostPort(), "run the same command again");
        }
    }

    /** A body trickling a few bytes a second never trips the no-data timeout; the throughput rule ends it. */
    @Test
    void tricklingBlobEndsWithAResumeHint() throws Exception {
        byte[] content = new byte[100_000];
        OciDescriptor blob = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(content), content.length);
        server.on((request, out) -> {
            HostileServer.head(out, 200, Map.of("Content-Length", String.valueOf(content.length)));
            for (int i = 0; i < content.length; i += 10) {
                out.write(content, i, 10);
                out.flush();
                Thread.sleep(100);
            }
        });
        System.setProperty("update.transfer.minBytesPerSecond", "1024");
        System.setProperty("update.transfer.rateWindowMillis", "400");
        // Two attempts: the retry policy's, which the transport spends on the GET and its resumes alike.
        try (ReleaseStore store = open(server.hostPort(), true, QUICK.withMaxAttempts(2),
                RegistryCredentials.anonymous())) {
            UpdaterException e = failure(Failure.NETWORK, () -> new BlobDownloader(store, 10_000,
                    TransferListener.NONE).download(blob, dir.resolve("downloads"), "payload"));
            assertContains(e.getMessage(), "after 2 attempts", "below the minimum of 1024 bytes/s",
                    "run the same command again to resume");
            assertTrue(Files.size(BlobDownloader.partialFile(dir.resolve("downloads"), blob.digest())) > 0,
                    "what arrived is kept for the resume");
        } finally {
            System.clearProperty("update.transfer.minBytesPerSecond");
            System.clearProperty("update.transfer.rateWindowMillis");
        }
    }

    // --- TLS and naming: not retried, fast, with the likely fix

    @Test
    void tlsToAPlainHttpRegistrySaysPlainHttp() {
        server.on(always(200, Map.of(), "{}"));
        long start = System.nanoTime();
        UpdaterException e = failure(Failure.NETWORK,
                () -> open(server.hostPort(), false, RetryPolicy.DEFAULT, RegistryCredentials.anonymous())
                        .fetchManifest("1.0.0"));
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        System.out.println("TLS handshake against plain HTTP failed in " + millis + " ms: " + e.getMessage());
        assertTrue(millis < 2000, millis + " ms");
        assertContains(e.getMessage(), server.hostPort(), "TLS", "--plain-http");
        assertEquals(1, server.connections(), "not retried");
    }

    @Test
    void untrustedCertificateSaysSoAndNamesTheTrustStore() throws Exception {
        try (HostileServer tls = HostileServer.startTls()) {
            tls.on(always(200, Map.of(), "{}"));
            long start = System.nanoTime();
            UpdaterException e = failure(Failure.NETWORK,
                    () -> open(tls.hostPort(), false, RetryPolicy.DEFAULT, RegistryCredentials.anonymous())
                            .fetchManifest("1.0.0"));
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            System.out.println("untrusted certificate failed in " + millis + " ms: " + e.getMessage());
            assertTrue(millis < 2000, millis + " ms");
            assertContains(e.getMessage(), tls.hostPort(), "certificate", "not trusted", "trust store",
                    "--ca-file");
            assertEquals(1, tls.connections(), "not retried");
            assertTrue(tls.requests().isEmpty());
        }
    }

    @Test
    void unknownHostSaysTheNameDidNotResolve() {
        long start = System.nanoTime();
        UpdaterException e = failure(Failure.NETWORK,
                () -> open("registry.example.invalid:5000", true, RetryPolicy.DEFAULT, RegistryCredentials.anonymous())
                        .fetchManifest("1.0.0"));
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(millis < 2000, millis + " ms");
        assertContains(e.getMessage(), "'registry.example.invalid'", "did not resolve");
        assertFalse(e.getMessage().contains("refused"), e.getMessage());
        assertFalse(e.getMessage().contains("attempts"), e.getMessage());
    }
}
