package dev.updater.registry.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.BlobSource;
import dev.updater.registry.RegistryNetworkException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.testing.HostileServer;
import dev.updater.schema.Digest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A chunked upload whose registry starts failing after the session opened: the PATCH, the offset queries that follow
 * it and any new session spend one budget, so the upload URL sees the policy's attempts, not attempts × attempts.
 */
class UploadRetryCountTest {
    static final RetryPolicy POLICY = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(40),
            Duration.ofSeconds(20));

    @Test
    void aRegistryFailingMidUploadGetsThePolicysAttemptsForTheChunk() throws Exception {
        try (HostileServer server = HostileServer.start()) {
            String session = "/v2/hostile/repo/blobs/uploads/session-1";
            server.on((request, out) -> {
                if (request.method().equals("HEAD")) {
                    HostileServer.reply(out, 404, Map.of(), "");
                } else if (request.method().equals("POST")) {
                    HostileServer.reply(out, 202, Map.of("Location", session), "");
                } else {
                    HostileServer.reply(out, 503, Map.of(), "");
                }
            });
            byte[] content = new byte[4096];
            OciDescriptor blob = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(content), content.length);
            try (ReleaseStore store = ReleaseStores.open(StoreReference.parse(server.hostPort() + "/hostile/repo"),
                    ReleaseStores.Options.defaults().withPlainHttp(true).withRetry(POLICY)
                            .withCredentials(RegistryCredentials.anonymous()).withUploadChunkSize(1024))) {
                RegistryNetworkException e = assertThrows(RegistryNetworkException.class,
                        () -> store.pushBlob(blob, BlobSource.of(content)));
                assertTrue(e.getMessage().contains("after 4 attempts"), e.getMessage());
            }
            long onSession = server.requests().stream().filter(r -> r.path().startsWith(session)).count();
            assertEquals(POLICY.maxAttempts(), onSession, server.requests().toString());
        }
    }
}
