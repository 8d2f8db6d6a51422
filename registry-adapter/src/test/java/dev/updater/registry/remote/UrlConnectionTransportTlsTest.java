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
 * Blobs over {@link UrlConnectionTransport} from a real TLS registry with basic auth, its certificate made here:
 * the same trust, host name and credential rules as the java.net.http requests ({@code RegistryTlsTest}).
 */
class UrlConnectionTransportTlsTest {
    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static final String PASSWORD = "blob-Secret:7";
    @TempDir
    static Path shared;
    static LocalRegistry registry;
    static TestCertificate certificate;
    static byte[] content = random(3 << 20, 5);
    static OciDescriptor blob = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(content),
            content.length);
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        certificate = TestCertificate.create(shared.resolve("tls"), "registry.test");
        registry = LocalRegistry.startTls(certificate, Htpasswd.registryConfig(shared, Map.of("bob", PASSWORD)));
        try (ReleaseStore store = open(registry.hostPort(), trusted(), RegistryCredentials.explicit("bob",
                PASSWORD))) {
            store.pushBlob(blob, BlobSource.of(content));
        }
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static RegistryTls trusted() {
        return RegistryTls.trusting(List.of(certificate.certificate()));
    }

    static ReleaseStore open(String hostPort, RegistryTls tls, RegistryCredentials credentials) {
        return ReleaseStores.open(StoreReference.parse(hostPort + "/lean/repo"), ReleaseStores.Options.defaults()
                .withTls(tls).withCredentials(credentials).withRetry(RetryPolicy.NONE));
    }

    @Test
    void aBlobComesWholeOverTlsWithBasicAuthAndResumesWithRange() throws Exception {
        try (ReleaseStore store = open(registry.hostPort(), trusted(), RegistryCredentials.explicit("bob",
                PASSWORD))) {
            Path file = new BlobDownloader(store, 10_000, TransferListener.NONE).download(blob,
                    dir.resolve("downloads"), "payload");
            assertArrayEquals(content, Files.readAllBytes(file));
            try (InputStream tail = store.openBlobFrom(blob, 1_000_000).in()) {
                assertArrayEquals(Arrays.copyOfRange(content, 1_000_000, content.length), tail.readAllBytes());
            }
            assertTrue(store.hasBlob(blob.digest()));
        }
    }

    @Test
    void wrongCredentialsAreRefusedOnTheBlobGet() {
        try (ReleaseStore store = open(registry.hostPort(), trusted(), RegistryCredentials.explicit("bob",
                "wrong"))) {
            var e = assertThrows(dev.updater.registry.RegistryUnauthorizedException.class,
                    () -> store.openBlobFrom(blob, 0));
            assertTrue(e.getMessage().contains("refused the credentials"), e.getMessage());
        }
    }

    @Test
    void anUntrustedCertificateNamesCaFileAndIsNotRetried() {
        try (ReleaseStore store = open(registry.hostPort(), RegistryTls.jvmDefault(),
                RegistryCredentials.anonymous())) {
            RegistryNetworkException e = assertThrows(RegistryNetworkException.class,
                    () -> store.openBlobFrom(blob, 0));
            assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
            assertTrue(e.getMessage().contains("--ca-file"), e.getMessage());
        }
    }

    /** The certificate names 127.0.0.1 only: "localhost" fails the host name check, unless --insecure. */
    @Test
    void theHostNameIsCheckedUnlessInsecure() throws Exception {
        String byName = "localhost:" + registry.port();
        RegistryCredentials bob = RegistryCredentials.explicit("bob", PASSWORD);
        try (ReleaseStore store = open(byName, trusted(), bob)) {
            RegistryNetworkException e = assertThrows(RegistryNetworkException.class,
                    () -> store.openBlobFrom(blob, 0));
            assertTrue(e.getMessage().contains("not valid for that name"), e.getMessage());
        }
        try (ReleaseStore store = open(byName, RegistryTls.insecure(), bob);
                InputStream in = store.openBlob(blob)) {
            assertArrayEquals(content, in.readAllBytes());
        }
    }
}
