package dev.updater.registry.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.BlobSource;
import dev.updater.registry.DigestMismatchException;
import dev.updater.registry.NotFoundException;
import dev.updater.registry.RangedStream;
import dev.updater.registry.ReleaseStore;
import dev.updater.schema.Digest;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ReleaseStore} does, whatever is behind it (as go-containerregistry's {@code validate} checks
 * every backend): a subclass opens a fresh, empty repository per test and runs every test here unchanged.
 */
abstract class ReleaseStoreContract {
    /** A new, empty repository (nothing pushed to it yet). */
    abstract ReleaseStore openEmpty(String name);

    private static final byte[] CONFIG = "{}".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aPushedBlobComesBackWholeAndFromAnOffset() throws IOException {
        try (ReleaseStore store = openEmpty("blobs")) {
            byte[] bytes = "0123456789".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            OciDescriptor blob = descriptorOf(bytes);
            assertFalse(store.hasBlob(blob.digest()));
            store.pushBlob(blob, BlobSource.of(bytes));
            assertTrue(store.hasBlob(blob.digest()));
            try (InputStream in = store.openBlob(blob)) {
                assertArrayEquals(bytes, in.readAllBytes());
            }
            RangedStream rest = store.openBlobFrom(blob, 4000);
            try (InputStream in = rest.in()) {
                byte[] got = in.readAllBytes();
                assertEquals(bytes.length - rest.start(), got.length, "the stream starts where it says");
                assertTrue(rest.start() == 0 || rest.start() == 4000, "start is the offset or 0: " + rest.start());
            }
            store.pushBlob(blob, BlobSource.of(bytes)); // a blob pushed again is no error
            assertTrue(store.hasBlob(blob.digest()));
        }
    }

    @Test
    void aBlobWhoseBytesDoNotMatchItsDigestIsRefusedAndNotStored() {
        try (ReleaseStore store = openEmpty("mismatch")) {
            byte[] claimed = "the bytes the descriptor names".getBytes(StandardCharsets.US_ASCII);
            byte[] sent = "other bytes, of the same length!".getBytes(StandardCharsets.US_ASCII);
            OciDescriptor blob = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(claimed), sent.length);
            assertThrows(DigestMismatchException.class, () -> store.pushBlob(blob, BlobSource.of(sent)));
            assertFalse(store.hasBlob(blob.digest()));
        }
    }

    @Test
    void aManifestComesBackByteForByteByTagAndByDigest() {
        try (ReleaseStore store = openEmpty("manifests")) {
            byte[] manifest = manifestWith(store, "a");
            Digest digest = store.pushManifest(manifest, MediaTypes.OCI_MANIFEST, "1.0.0");
            assertEquals(Digest.of(manifest), digest);
            assertEquals(digest, store.resolve("1.0.0").digest());
            assertEquals(manifest.length, store.resolve("1.0.0").size());
            assertArrayEquals(manifest, store.fetchManifest("1.0.0").bytes());
            assertArrayEquals(manifest, store.fetchManifest(digest.toString()).bytes());
            assertEquals(MediaTypes.OCI_MANIFEST, store.fetchManifest("1.0.0").mediaType());
            assertEquals(List.of("1.0.0"), store.listTags());
        }
    }

    @Test
    void aManifestPushedByDigestHasNoTagUntilOneIsPushed() {
        try (ReleaseStore store = openEmpty("untagged")) {
            byte[] first = manifestWith(store, "first");
            store.pushManifest(first, MediaTypes.OCI_MANIFEST, "stable");
            byte[] staged = manifestWith(store, "staged");
            Digest digest = store.pushManifest(staged, MediaTypes.OCI_MANIFEST, Digest.of(staged).toString());
            assertArrayEquals(staged, store.fetchManifest(digest.toString()).bytes());
            assertEquals(List.of("stable"), store.listTags(), "a manifest pushed by digest adds no tag");
            assertEquals(Digest.of(first), store.resolve("stable").digest(), "and moves none");
            store.pushManifest(staged, MediaTypes.OCI_MANIFEST, "stable");
            assertEquals(digest, store.resolve("stable").digest(), "a tag moves when pushed again");
        }
    }

    @Test
    void tagsAreListedOnceEach() {
        try (ReleaseStore store = openEmpty("tags")) {
            byte[] manifest = manifestWith(store, "t");
            for (String tag : List.of("2.0.0", "1.0.0", "stable", "1.0.0")) {
                store.pushManifest(manifest, MediaTypes.OCI_MANIFEST, tag);
            }
            assertEquals(List.of("1.0.0", "2.0.0", "stable"), store.listTags().stream().sorted().toList());
        }
    }

    @Test
    void whatWasNeverPushedIsNotFound() {
        try (ReleaseStore store = openEmpty("missing")) {
            store.pushManifest(manifestWith(store, "x"), MediaTypes.OCI_MANIFEST, "1.0.0");
            Digest absent = Digest.of("never pushed".getBytes(StandardCharsets.US_ASCII));
            assertThrows(NotFoundException.class, () -> store.resolve("2.0.0"));
            assertThrows(NotFoundException.class, () -> store.fetchManifest("2.0.0"));
            assertThrows(NotFoundException.class, () -> store.fetchManifest(absent.toString()));
            assertFalse(store.hasBlob(absent));
            assertThrows(NotFoundException.class, () -> {
                try (InputStream in = store.openBlob(new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, absent, 12))) {
                    in.readAllBytes();
                }
            });
        }
    }

    @Test
    void aDeletedManifestTakesItsTagsWithIt() {
        try (ReleaseStore store = openEmpty("delete")) {
            byte[] keep = manifestWith(store, "keep");
            byte[] gone = manifestWith(store, "gone");
            store.pushManifest(keep, MediaTypes.OCI_MANIFEST, "1.0.0");
            store.pushManifest(gone, MediaTypes.OCI_MANIFEST, "2.0.0");
            store.deleteManifest(Digest.of(gone));
            assertThrows(NotFoundException.class, () -> store.resolve("2.0.0"));
            assertEquals(List.of("1.0.0"), store.listTags());
            assertEquals(Digest.of(keep), store.resolve("1.0.0").digest());
        }
    }

    @Test
    void describeNamesTheRepository() {
        try (ReleaseStore store = openEmpty("described")) {
            assertTrue(store.describe().contains("described"), store.describe());
        }
    }

    /** An OCI image manifest with the empty config and one small layer, both pushed first (as every push does). */
    private static byte[] manifestWith(ReleaseStore store, String content) {
        OciDescriptor config = new OciDescriptor(MediaTypes.OCI_EMPTY, Digest.of(CONFIG), CONFIG.length);
        store.pushBlob(config, BlobSource.of(CONFIG));
        byte[] layerBytes = content.getBytes(StandardCharsets.UTF_8);
        OciDescriptor layer = descriptorOf(layerBytes);
        store.pushBlob(layer, BlobSource.of(layerBytes));
        return new ImageManifest(Optional.of("application/vnd.example.test"), config, List.of(layer), Optional.empty(),
                Map.of()).toBytes();
    }

    private static OciDescriptor descriptorOf(byte[] bytes) {
        return new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(bytes), bytes.length);
    }
}
