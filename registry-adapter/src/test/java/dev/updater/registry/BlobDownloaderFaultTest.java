package dev.updater.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.remote.RetryPolicy;
import dev.updater.registry.testing.FaultProxy;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.schema.Digest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads through a fault-injecting proxy in front of a real registry: every pull ends right or fails clearly. */
class BlobDownloaderFaultTest {
    static final int SIZE = 1 << 20;
    static LocalRegistry registry;
    static FaultProxy proxy;
    static byte[] content;
    static OciDescriptor blob;
    /** Socket buffers may swallow bytes the proxy wrote before a reset; the client re-fetches at most those. */
    static final long IN_FLIGHT_SLACK = 512 * 1024;

    @TempDir
    Path dir;
    ReleaseStore store;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
        proxy = new FaultProxy(registry.port());
        content = new byte[SIZE];
        new Random(99).nextBytes(content);
        blob = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(content), content.length);
        try (ReleaseStore direct = open(registry.hostPort())) {
            direct.pushBlob(blob, BlobSource.of(content));
        }
    }

    @AfterAll
    static void stop() {
        proxy.close();
        registry.close();
    }

    static ReleaseStore open(String hostPort) {
        ReleaseStores.Options options = ReleaseStores.Options.defaults().withPlainHttp(true)
                .withRetry(new RetryPolicy(6, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(30)));
        return ReleaseStores.open(StoreReference.parse(hostPort + "/fault/test"), options);
    }

    @BeforeEach
    void openThroughProxy() {
        store = open(proxy.hostPort());
    }

    private Path download(int attempts, long stallMillis) {
        // The attempts are the store's retry policy's (6, see open): the transport owns every retry and resume.
        return new BlobDownloader(store, stallMillis, TransferListener.NONE).download(blob,
                dir.resolve("downloads"), "test blob");
    }

    @Test
    void resetsSeveralTimesInOneBlobResumeWithRange() throws Exception {
        proxy.setFault((m, p, n) -> n >= 1 && n <= 3 ? new FaultProxy.ResetAfter(200_000) : FaultProxy.pass());
        Path file = download(8, 10_000);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(4, proxy.blobGets());
        long resumed = proxy.requests().stream().filter(r -> r.contains("bytes=")).count();
        assertEquals(3, resumed, proxy.requests().toString());
        assertTrue(proxy.blobBodyBytes() <= SIZE + 3 * IN_FLIGHT_SLACK,
                "only bytes after each reset are fetched again: " + proxy.blobBodyBytes());
    }

    @Test
    void serverErrorStormsAndTooManyRequestsAreRetried() throws Exception {
        proxy.setFault((m, p, n) -> n >= 1 && n <= 3 ? new FaultProxy.Status(n == 2 ? 500 : 503, 0)
                : n == 4 ? new FaultProxy.Status(429, 1) : FaultProxy.pass());
        long start = System.nanoTime();
        Path file = download(2, 10_000);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 900, "Retry-After: 1 was honoured");
    }

    @Test
    void rangeIgnoredRestartsCleanly() throws Exception {
        proxy.setFault((m, p, n) -> n == 1 ? new FaultProxy.ResetAfter(300_000) : new FaultProxy.StripRange());
        Path file = download(4, 10_000);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertTrue(proxy.blobBodyBytes() >= SIZE + 300_000 - IN_FLIGHT_SLACK, "the whole blob came again");
    }

    @Test
    void stallLongerThanTheReadTimeoutIsResumed() throws Exception {
        proxy.setFault((m, p, n) -> n == 1 ? new FaultProxy.StallAfter(250_000, 5_000) : FaultProxy.pass());
        long start = System.nanoTime();
        Path file = download(4, 400);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 4_000, "did not wait out the stall");
    }

    @Test
    void truncatedBodiesFailClearlyAndTheNextRunResumes() throws Exception {
        proxy.setFault((m, p, n) -> new FaultProxy.TruncateAfter(100_000));
        RegistryNetworkException e = assertThrows(RegistryNetworkException.class, () -> download(3, 10_000));
        assertTrue(e.getMessage().contains("run the same command again to resume"), e.getMessage());
        long kept = Files.size(BlobDownloader.partialFile(dir.resolve("downloads"), blob.digest()));
        assertTrue(kept >= 200_000, "verified-so-far bytes are kept: " + kept);

        proxy.setFault((m, p, n) -> FaultProxy.pass());
        Path file = download(3, 10_000);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertTrue(proxy.blobBodyBytes() <= SIZE - kept + 1, "the next run fetched only the rest");
    }

    @Test
    void bodyLongerThanDeclaredIsRefusedAndNothingKept() {
        proxy.setFault((m, p, n) -> new FaultProxy.AppendBytes(4096));
        DigestMismatchException e = assertThrows(DigestMismatchException.class, () -> download(3, 10_000));
        assertTrue(e.getMessage().contains("more than the"), e.getMessage());
        assertFalse(Files.exists(BlobDownloader.partialFile(dir.resolve("downloads"), blob.digest())));
    }

    @Test
    void tamperedBytesAreRefused() throws Exception {
        // a correct-length stream with different bytes: a partial file left by an "earlier run" holds garbage
        Path part = BlobDownloader.partialFile(dir.resolve("downloads"), blob.digest());
        Files.createDirectories(part.getParent());
        byte[] garbage = new byte[1000];
        Files.write(part, garbage);
        proxy.setFault((m, p, n) -> FaultProxy.pass());
        assertThrows(DigestMismatchException.class, () -> download(2, 10_000));
        assertFalse(Files.exists(part), "bad bytes are not kept");
        Path file = download(2, 10_000);
        assertArrayEquals(content, Files.readAllBytes(file));
    }
}
