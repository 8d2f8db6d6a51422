package dev.updater.registry.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.updater.registry.BlobDownloader;
import dev.updater.registry.BlobSource;
import dev.updater.registry.ConcatenatedBlobDownloader;
import dev.updater.registry.RegistryNetworkException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.TransferListener;
import dev.updater.registry.testing.HostileServer;
import dev.updater.registry.testing.Htpasswd;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.registry.testing.TestCertificate;
import dev.updater.schema.Digest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blobs and manifests over {@link UrlConnectionTransport} from in-process servers that break a body, refuse a token,
 * redirect elsewhere or stall: the transport keeps every rule of the java.net.http path (one retry budget with its
 * resumes, one fresh authentication, credentials only to the registry, malformed answers not retried), and the chunks
 * of a payload share one connection.
 */
class UrlConnectionTransportFaultTest {
    private static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofSeconds(20));

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static OciDescriptor descriptor(byte[] content) {
        return new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(content), content.length);
    }

    @TempDir
    Path dir;
    HostileServer server;
    byte[] content = random(400_000, 9);
    OciDescriptor blob = descriptor(content);
    String blobPath = "/v2/lean/repo/blobs/" + blob.digest();

    @BeforeEach
    void start() throws Exception {
        server = HostileServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    ReleaseStore open(RetryPolicy retry, RegistryCredentials credentials) {
        return ReleaseStores.open(StoreReference.parse(server.hostPort() + "/lean/repo"), ReleaseStores.Options
                .defaults().withPlainHttp(true).withRetry(retry).withCredentials(credentials));
    }

    Path download(ReleaseStore store, long stallMillis) {
        return new BlobDownloader(store, stallMillis, TransferListener.NONE).download(blob,
                dir.resolve("downloads"), "payload");
    }

    /** The whole blob, or from the offset a Range header asks for. */
    void serve(HostileServer.Exchange request, OutputStream out) throws Exception {
        String range = request.header("Range");
        if (range == null) {
            HostileServer.reply(out, 200, Map.of(), content);
            return;
        }
        int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
        HostileServer.reply(out, 206, Map.of("Content-Range", "bytes " + from + "-" + (content.length - 1)
                + "/" + content.length), Arrays.copyOfRange(content, from, content.length));
    }

    @Test
    void aBodyCutOffIsResumedWithRangeAndIfRange() throws Exception {
        AtomicInteger gets = new AtomicInteger();
        server.on((request, out) -> {
            if (gets.incrementAndGet() == 1) {
                HostileServer.head(out, 200, Map.of("Content-Length", String.valueOf(content.length)));
                out.write(content, 0, 150_000);
                out.flush();
                return; // the connection closes 150,000 bytes in
            }
            serve(request, out);
        });
        try (ReleaseStore store = open(QUICK, RegistryCredentials.anonymous())) {
            assertArrayEquals(content, Files.readAllBytes(download(store, 10_000)));
        }
        assertEquals(2, server.requests().size(), server.requests().toString());
        HostileServer.Exchange resume = server.requests().get(1);
        String range = resume.header("Range");
        assertTrue(range != null && range.startsWith("bytes=") && range.endsWith("-"), String.valueOf(range));
        long from = Long.parseLong(range.substring(6, range.length() - 1));
        assertTrue(from > 0 && from <= 150_000, range);
        assertEquals("\"" + blob.digest() + "\"", resume.header("If-Range"));
    }

    /**
     * A token the manifest fetch obtained is reused for the blob; when the registry refuses it there (expired,
     * revoked), one fresh token is fetched and the body comes.
     */
    @Test
    void aRefusedTokenOnTheBlobGetIsRefreshedOnce() throws Exception {
        byte[] manifest = "{\"schemaVersion\":2}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        AtomicInteger tokens = new AtomicInteger();
        String challenge = "Bearer realm=\"http://" + server.hostPort() + "/token\",service=\"lean\"";
        server.on((request, out) -> {
            String authorization = request.header("Authorization");
            if (request.path().startsWith("/token")) {
                HostileServer.reply(out, 200, Map.of("Content-Type", "application/json"),
                        "{\"token\":\"t" + tokens.incrementAndGet() + "\",\"expires_in\":300}");
            } else if (request.path().contains("/manifests/")) {
                if ("Bearer t1".equals(authorization)) {
                    HostileServer.reply(out, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), manifest);
                } else {
                    HostileServer.reply(out, 401, Map.of("WWW-Authenticate", challenge), "");
                }
            } else if ("Bearer t2".equals(authorization)) {
                serve(request, out);
            } else {
                HostileServer.reply(out, 401, Map.of("WWW-Authenticate", challenge + ",error=\"invalid_token\""),
                        "");
            }
        });
        try (ReleaseStore store = open(QUICK, RegistryCredentials.anonymous())) {
            store.fetchManifest("1.0.0");
            assertArrayEquals(content, Files.readAllBytes(download(store, 10_000)));
        }
        List<String> blobAuth = new ArrayList<>();
        for (HostileServer.Exchange e : server.requests()) {
            if (e.path().equals(blobPath)) blobAuth.add(e.header("Authorization"));
        }
        assertEquals(List.of("Bearer t1", "Bearer t2"), blobAuth, "the manifest's token first, then a fresh one");
        assertEquals(2, tokens.get());
    }

    /**
     * A pull from a registry with token auth reads its manifest, its blobs and its tokens without java.net.http,
     * whose client costs about 0.3 s of CPU and 20 MB to start; a tag list (java.net.http) builds it.
     */
    @Test
    void aTokenAuthPullNeverBuildsTheJavaNetHttpClient() throws Exception {
        byte[] manifest = "{\"schemaVersion\":2}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String challenge = "Bearer realm=\"http://" + server.hostPort() + "/token\",service=\"lean\"";
        server.on((request, out) -> {
            boolean authorized = "Bearer t".equals(request.header("Authorization"));
            if (request.path().startsWith("/token")) {
                HostileServer.reply(out, 200, Map.of("Content-Type", "application/json"), "{\"token\":\"t\"}");
            } else if (!authorized) {
                HostileServer.reply(out, 401, Map.of("WWW-Authenticate", challenge), "");
            } else if (request.path().contains("/manifests/")) {
                HostileServer.reply(out, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), manifest);
            } else if (request.path().contains("/tags/")) {
                HostileServer.reply(out, 200, Map.of("Content-Type", "application/json"),
                        "{\"name\":\"lean/repo\",\"tags\":[\"1.0.0\"]}");
            } else {
                serve(request, out);
            }
        });
        RegistryHttp http = ReleaseStores.http(server.hostPort(), ReleaseStores.Options.defaults()
                .withPlainHttp(true).withRetry(QUICK).withCredentials(RegistryCredentials.explicit("dave", "pw")));
        try (ReleaseStore store = new RemoteRegistryStore(http, "lean/repo", 1 << 20, java.util.Optional.empty())) {
            store.fetchManifest("1.0.0");
            assertArrayEquals(content, Files.readAllBytes(download(store, 10_000)));
            assertTrue(store.hasBlob(blob.digest()));
            assertTrue(!http.javaNetHttpClientBuilt(), "manifest, blob, HEAD and token without java.net.http");
            assertEquals(List.of("1.0.0"), store.listTags());
            assertTrue(http.javaNetHttpClientBuilt());
        }
        assertTrue(server.requests().stream().anyMatch(r -> r.path().startsWith("/token")
                && r.header("Authorization") != null && r.header("Authorization").startsWith("Basic ")),
                "the token was asked for with the credentials");
    }

    /** A storage host a redirect names gets the request without our credentials, and serves the body. */
    @Test
    void aRedirectToAnotherHostIsFollowedWithoutCredentials() throws Exception {
        try (HostileServer storage = HostileServer.start()) {
            storage.on(this::serve);
            server.on((request, out) -> {
                if (request.header("Authorization") == null) {
                    HostileServer.reply(out, 401, Map.of("WWW-Authenticate", "Basic realm=\"lean\""), "");
                } else {
                    HostileServer.reply(out, 307, Map.of("Location", "http://" + storage.hostPort()
                            + "/storage/blob?signature=abc"), "");
                }
            });
            try (ReleaseStore store = open(QUICK, RegistryCredentials.explicit("carol", "pw"))) {
                assertArrayEquals(content, Files.readAllBytes(download(store, 10_000)));
            }
            assertEquals(1, storage.requests().size());
            assertEquals("/storage/blob?signature=abc", storage.requests().get(0).path());
            assertNull(storage.requests().get(0).header("Authorization"), "no credentials to the storage host");
            assertTrue(server.requests().get(1).header("Authorization").startsWith("Basic "));
        }
    }

    @Test
    void aRedirectToSomethingNotHttpIsRefusedAndNotRetried() {
        server.on((request, out) -> HostileServer.reply(out, 302, Map.of("Location", "file:///etc/passwd"), ""));
        try (ReleaseStore store = open(QUICK, RegistryCredentials.anonymous())) {
            var e = assertThrows(dev.updater.registry.RegistryProtocolException.class,
                    () -> store.openBlobFrom(blob, 0));
            assertTrue(e.getMessage().contains("not an http(s) URL"), e.getMessage());
        }
        assertEquals(1, server.requests().size());
    }

    /**
     * A connection closed before any answer: each attempt of the policy is one request of ours, which each JDK
     * client sends once more on a fresh connection by itself (the server may have closed a kept-alive connection
     * just then). The blob GETs see exactly what the java.net.http requests see, no more.
     */
    @Test
    void aConnectionClosedBeforeAnyAnswerCostsWhatItCostsOnJavaNetHttp() {
        server.on((request, out) -> { });
        try (ReleaseStore store = open(QUICK, RegistryCredentials.anonymous())) {
            RegistryNetworkException e = assertThrows(RegistryNetworkException.class,
                    () -> store.openBlobFrom(blob, 0));
            assertTrue(e.getMessage().contains("after 4 attempts"), e.getMessage());
            int blobGets = server.requests().size();
            e = assertThrows(RegistryNetworkException.class, store::listTags);
            assertTrue(e.getMessage().contains("after 4 attempts"), e.getMessage());
            int tagGets = server.requests().size() - blobGets;
            assertEquals(8, tagGets, "java.net.http: one silent retry per attempt");
            assertEquals(tagGets, blobGets, server.requests().toString());
        }
    }

    /** No data at all: the socket's read timeout is the stall rule, and each attempt resumes until spent. */
    @Test
    void aStalledBodyIsCutByTheReadTimeoutAndTheBudgetBoundsTheResumes() throws Exception {
        server.on((request, out) -> {
            HostileServer.head(out, 200, Map.of("Content-Length", String.valueOf(content.length)));
            out.write(content, 0, 1000);
            out.flush();
            Thread.sleep(5_000);
        });
        try (ReleaseStore store = open(QUICK.withMaxAttempts(2), RegistryCredentials.anonymous())) {
            RegistryNetworkException e = assertTimeoutPreemptively(Duration.ofSeconds(4),
                    () -> assertThrows(RegistryNetworkException.class, () -> download(store, 300)));
            assertTrue(e.getMessage().contains("no data for 300 ms"), e.getMessage());
            assertTrue(e.getMessage().contains("after 2 attempts"), e.getMessage());
        }
        assertEquals(2, server.requests().size());
    }

    /** A manifest whose header carries terminal escapes is a malformed answer, as java.net.http has it. */
    @Test
    void controlCharactersInAHeaderAreAMalformedResponse() {
        server.on((request, out) -> HostileServer.reply(out, 200, Map.of("Content-Type",
                "application/json\u001b[2J"), "{}"));
        try (ReleaseStore store = open(QUICK, RegistryCredentials.anonymous())) {
            var e = assertThrows(dev.updater.registry.RegistryProtocolException.class,
                    () -> store.fetchManifest("1.0.0"));
            assertTrue(e.getMessage().contains("malformed HTTP response"), e.getMessage());
            assertTrue(e.getMessage().contains("\\u001b[2J"), e.getMessage());
        }
        assertEquals(1, server.requests().size(), "not retried");
    }

    /** The chunks of a payload, each read to its end, come over one kept-alive connection. */
    @Test
    void chunksComeOverOneConnection(@TempDir Path dir) throws Exception {
        List<byte[]> chunks = List.of(random(300_000, 1), random(300_000, 2), random(123_456, 3));
        Set<String> peers = Collections.synchronizedSet(new java.util.HashSet<>());
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/v2/lean/repo/blobs/", exchange -> {
            peers.add(exchange.getRemoteAddress().toString());
            String digest = exchange.getRequestURI().getPath().substring("/v2/lean/repo/blobs/".length());
            byte[] body = chunks.stream().filter(c -> Digest.of(c).toString().equals(digest)).findFirst()
                    .orElseThrow();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        try (ReleaseStore store = ReleaseStores.open(StoreReference.parse("127.0.0.1:" + http.getAddress().getPort()
                + "/lean/repo"), ReleaseStores.Options.defaults().withPlainHttp(true).withRetry(QUICK))) {
            java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
            List<OciDescriptor> descriptors = new ArrayList<>();
            for (byte[] c : chunks) {
                whole.write(c);
                descriptors.add(new OciDescriptor(MediaTypes.PAYLOAD_CHUNK, Digest.of(c), c.length));
            }
            byte[] payload = whole.toByteArray();
            Path file = new ConcatenatedBlobDownloader(store, 10_000, TransferListener.NONE).download(
                    new ConcatenatedBlobDownloader.Payload(descriptors, Digest.of(payload), payload.length, "payload"),
                    dir);
            assertArrayEquals(payload, Files.readAllBytes(file));
        } finally {
            http.stop(0);
        }
        assertEquals(1, peers.size(), "one connection for every chunk: " + peers);
    }
}
