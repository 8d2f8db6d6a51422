package dev.updater.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.remote.RetryPolicy;
import dev.updater.registry.testing.FaultProxy;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.schema.Digest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Uploads in chunks that resume from the registry's reported offset; mounts across repositories. */
class ChunkedUploadTest {
    static final int CHUNK = 256 * 1024;
    static LocalRegistry registry;
    static FaultProxy proxy;

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

    private static ReleaseStore open(String hostPort, String repo, Optional<String> mountFrom) {
        return ReleaseStores.open(StoreReference.parse(hostPort + "/" + repo), ReleaseStores.Options.defaults()
                .withPlainHttp(true).withUploadChunkSize(CHUNK).withMountFrom(mountFrom)
                .withRetry(new RetryPolicy(5, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(30))));
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void assertStored(String repo, OciDescriptor blob, byte[] content) throws Exception {
        try (ReleaseStore direct = open(registry.hostPort(), repo, Optional.empty());
                InputStream in = direct.openBlob(blob)) {
            assertArrayEquals(content, in.readAllBytes());
        }
    }

    @Test
    void aFailedChunkResumesFromTheRegistrysReportedOffset() throws Exception {
        byte[] content = random(5 * CHUNK + 1234, 1);
        OciDescriptor blob = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(content), content.length);
        int[] patches = {0};
        proxy.setFault((m, p, n) -> m.equals("PATCH") && ++patches[0] == 3 ? new FaultProxy.Status(503, 0)
                : FaultProxy.pass());
        try (ReleaseStore store = open(proxy.hostPort(), "upload/resume", Optional.empty())) {
            store.pushBlob(blob, BlobSource.of(content));
        }
        assertStored("upload/resume", blob, content);
        assertTrue(proxy.requests().stream().anyMatch(r -> r.startsWith("GET /v2/upload/resume/blobs/uploads/")),
                "asked the registry for the offset: " + proxy.requests());
        assertEquals(content.length, proxy.uploadBodyBytes(), "no byte the registry had was sent again");
    }

    @Test
    void aChunkWhoseAnswerWasLostRestartsInANewSession() throws Exception {
        byte[] content = random(4 * CHUNK + 99, 3);
        OciDescriptor blob = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(content), content.length);
        int[] patches = {0};
        proxy.setFault((m, p, n) -> m.equals("PATCH") && ++patches[0] == 2 ? new FaultProxy.DropResponse()
                : FaultProxy.pass());
        try (ReleaseStore store = open(proxy.hostPort(), "upload/lost", Optional.empty())) {
            store.pushBlob(blob, BlobSource.of(content));
        }
        assertStored("upload/lost", blob, content);
        assertTrue(proxy.uploadBodyBytes() <= content.length + 2L * CHUNK, "restarted once: " + proxy.uploadBodyBytes());
    }

    @Test
    void presentBlobsAreSkippedAndMissingOnesMountedFromAnotherRepository() throws Exception {
        byte[] content = random(100_000, 2);
        OciDescriptor blob = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(content), content.length);
        try (ReleaseStore source = open(registry.hostPort(), "mount/source", Optional.empty())) {
            source.pushBlob(blob, BlobSource.of(content));
        }
        proxy.setFault((m, p, n) -> FaultProxy.pass());
        try (ReleaseStore target = open(proxy.hostPort(), "mount/target", Optional.of("mount/source"))) {
            target.pushBlob(blob, BlobSource.of(content));
        }
        assertEquals(0, proxy.uploadBodyBytes(), "mounted, not uploaded: " + proxy.requests());
        assertStored("mount/target", blob, content);

        proxy.setFault((m, p, n) -> FaultProxy.pass());
        try (ReleaseStore target = open(proxy.hostPort(), "mount/target", Optional.empty())) {
            target.pushBlob(blob, BlobSource.of(content));
        }
        assertEquals(1, proxy.requests().size(), "one HEAD, nothing else: " + proxy.requests());
    }
}
