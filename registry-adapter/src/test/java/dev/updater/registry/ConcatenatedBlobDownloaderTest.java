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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A chunked payload downloaded into one file through a real registry (behind a counting proxy). */
class ConcatenatedBlobDownloaderTest {
    static final int CHUNK = 300_000;
    static LocalRegistry registry;
    static FaultProxy proxy;
    static byte[] content;
    static List<OciDescriptor> chunks;

    @TempDir
    Path dir;
    ReleaseStore store;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
        proxy = new FaultProxy(registry.port());
        content = new byte[3 * CHUNK + 1234];
        new Random(7).nextBytes(content);
        chunks = new ArrayList<>();
        try (ReleaseStore direct = open(registry.hostPort())) {
            for (int off = 0; off < content.length; off += CHUNK) {
                byte[] part = Arrays.copyOfRange(content, off, Math.min(content.length, off + CHUNK));
                OciDescriptor blob = new OciDescriptor(MediaTypes.PAYLOAD_CHUNK, Digest.of(part), part.length);
                direct.pushBlob(blob, BlobSource.of(part));
                chunks.add(blob);
            }
        }
    }

    @AfterAll
    static void stop() {
        proxy.close();
        registry.close();
    }

    static ReleaseStore open(String hostPort) {
        ReleaseStores.Options options = ReleaseStores.Options.defaults().withPlainHttp(true)
                .withRetry(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(30)));
        return ReleaseStores.open(StoreReference.parse(hostPort + "/chunks/test"), options);
    }

    @BeforeEach
    void openThroughProxy() {
        store = open(proxy.hostPort());
        proxy.setFault((m, p, n) -> FaultProxy.pass());
    }

    private Path download(Digest whole) {
        return new ConcatenatedBlobDownloader(store, 10_000, TransferListener.NONE).download(
                new ConcatenatedBlobDownloader.Payload(chunks, whole, content.length, "test payload"),
                dir.resolve("downloads"));
    }

    private Path partial() {
        return BlobDownloader.partialFile(dir.resolve("downloads"), Digest.of(content));
    }

    @Test
    void theChunksLandInOneFileAndNothingElseIsLeft() throws Exception {
        Path file = download(Digest.of(content));
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(partial(), file);
        try (var left = Files.list(dir.resolve("downloads"))) {
            assertEquals(List.of(file), left.toList());
        }
        assertEquals(chunks.size(), proxy.blobGets());
    }

    @Test
    void aPartialFileResumesInsideItsUnfinishedChunkWithRange() throws Exception {
        Files.createDirectories(dir.resolve("downloads"));
        Files.write(partial(), Arrays.copyOf(content, CHUNK + 1000));
        Path file = download(Digest.of(content));
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(chunks.size() - 1, proxy.blobGets(), "the kept first chunk is not fetched again");
        assertTrue(proxy.requests().stream().anyMatch(r -> r.contains("bytes=1000-")), proxy.requests().toString());
    }

    @Test
    void aKeptChunkThatNoLongerMatchesIsFetchedAgain() throws Exception {
        Files.createDirectories(dir.resolve("downloads"));
        byte[] damaged = Arrays.copyOf(content, 2 * CHUNK);
        damaged[CHUNK + 5] ^= 1;
        Files.write(partial(), damaged);
        Path file = download(Digest.of(content));
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(chunks.size() - 1, proxy.blobGets(), "the good first chunk is kept");
    }

    @Test
    void aServerIgnoringRangeRestartsOnlyTheUnfinishedChunk() throws Exception {
        Files.createDirectories(dir.resolve("downloads"));
        Files.write(partial(), Arrays.copyOf(content, CHUNK + 1000));
        proxy.setFault((m, p, n) -> new FaultProxy.StripRange());
        Path file = download(Digest.of(content));
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(chunks.size() - 1, proxy.blobGets());
    }

    @Test
    void chunksOfAnotherPayloadAreRefusedAndNotKept() {
        byte[] other = content.clone();
        other[0] ^= 1;
        assertThrows(DigestMismatchException.class, () -> download(Digest.of(other)));
        assertFalse(Files.exists(BlobDownloader.partialFile(dir.resolve("downloads"), Digest.of(other))));
    }
}
