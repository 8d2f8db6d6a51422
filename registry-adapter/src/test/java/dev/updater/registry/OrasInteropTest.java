package dev.updater.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.layout.OciLayoutStore;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.schema.Digest;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import land.oras.ContainerRef;
import land.oras.LayoutRef;
import land.oras.OCILayout;
import land.oras.Registry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ORAS Java, an independent OCI client, reads the layouts and registry repositories we write. */
class OrasInteropTest {
    @TempDir
    Path dir;

    private static ImageManifest release(ReleaseStore store, byte[] payload) {
        OciDescriptor layer = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(payload), payload.length,
                Map.of(MediaTypes.ANNOTATION_TITLE, "app"), Optional.empty());
        store.pushBlob(layer, BlobSource.of(payload));
        byte[] config = "{\"note\":\"config\"}".getBytes(StandardCharsets.UTF_8);
        OciDescriptor configBlob = new OciDescriptor(MediaTypes.UPDATE_MANIFEST, Digest.of(config), config.length);
        store.pushBlob(configBlob, BlobSource.of(config));
        return new ImageManifest(Optional.of(MediaTypes.UPDATE_MANIFEST), configBlob, List.of(layer),
                Optional.empty(), Map.of(MediaTypes.ANNOTATION_VERSION, "1.0.0"));
    }

    @Test
    void orasReadsOurLayout() throws Exception {
        byte[] payload = "payload for oras".getBytes(StandardCharsets.UTF_8);
        Digest digest;
        try (OciLayoutStore store = OciLayoutStore.open(dir.resolve("layout"), true)) {
            ImageManifest m = release(store, payload);
            digest = store.pushManifest(m.toBytes(), MediaTypes.OCI_MANIFEST, "1.0.0");
        }
        OCILayout oras = OCILayout.builder().defaults(dir.resolve("layout")).build();
        LayoutRef ref = LayoutRef.parse(dir.resolve("layout") + ":1.0.0");
        assertTrue(oras.getTags(ref).tags().contains("1.0.0"));
        land.oras.Manifest manifest = oras.getManifest(ref);
        assertEquals(MediaTypes.UPDATE_MANIFEST, manifest.getArtifactTypeAsString());
        assertEquals(digest.toString(), oras.getDescriptor(ref).getDigest());
        try (InputStream in = oras.fetchBlob(ref.withDigest(manifest.getLayers().get(0).getDigest()))) {
            assertArrayEquals(payload, in.readAllBytes());
        }
    }

    @Test
    void orasReadsOurRegistryRelease() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            byte[] payload = "registry payload for oras".getBytes(StandardCharsets.UTF_8);
            String repo = registry.hostPort() + "/interop/oras";
            try (ReleaseStore store = ReleaseStores.open(StoreReference.parse(repo),
                    ReleaseStores.Options.defaults().withPlainHttp(true))) {
                store.pushManifest(release(store, payload).toBytes(), MediaTypes.OCI_MANIFEST, "1.0.0");
            }
            Registry oras = Registry.builder().insecure().build();
            ContainerRef ref = ContainerRef.parse(repo + ":1.0.0");
            land.oras.Manifest manifest = oras.getManifest(ref);
            assertEquals(MediaTypes.UPDATE_MANIFEST, manifest.getArtifactTypeAsString());
            try (InputStream in = oras.fetchBlob(ref.withDigest(manifest.getLayers().get(0).getDigest()))) {
                assertArrayEquals(payload, in.readAllBytes());
            }
        }
    }
}
