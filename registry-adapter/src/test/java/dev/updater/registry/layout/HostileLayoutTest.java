package dev.updater.registry.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.BlobDownloader;
import dev.updater.registry.BlobSource;
import dev.updater.registry.TransferListener;
import dev.updater.schema.Digest;
import dev.updater.schema.Failure;
import dev.updater.schema.Json;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.UpdaterException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * An OCI layout directory written by someone else, and damaged or hostile: every problem is a verification failure
 * (exit 4) that names what is wrong, found without reading more than the limits allow, and one bad entry of
 * index.json leaves the other tags usable.
 */
class HostileLayoutTest {
    private static final String GOOD_TAG = "1.0.0";

    @TempDir
    Path dir;
    Path root;
    OciLayoutStore store;
    byte[] manifest;
    Digest manifestDigest;
    byte[] blob;
    OciDescriptor blobDescriptor;

    @BeforeEach
    void pushOneManifest() {
        root = dir.resolve("layout");
        store = OciLayoutStore.open(root, true);
        blob = "payload bytes of the release".getBytes(StandardCharsets.UTF_8);
        blobDescriptor = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(blob), blob.length);
        store.pushBlob(blobDescriptor, BlobSource.of(blob));
        manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + "{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + blobDescriptor.digest()
                + "\",\"size\":" + blob.length + "},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
        manifestDigest = store.pushManifest(manifest, MediaTypes.OCI_MANIFEST, GOOD_TAG);
    }

    private static UpdaterException verificationFailure(Executable call, String... phrases) {
        UpdaterException e = assertThrows(UpdaterException.class, call);
        assertEquals(Failure.VERIFICATION, e.failure(), e::getMessage);
        for (String phrase : phrases) {
            assertTrue(e.getMessage().contains(phrase), () -> "'" + phrase + "' missing in: " + e.getMessage());
        }
        return e;
    }

    private ObjectNode index() throws Exception {
        return (ObjectNode) Json.parse(Files.readAllBytes(root.resolve("index.json")), "index.json");
    }

    private void writeIndex(ObjectNode index) throws Exception {
        Files.write(root.resolve("index.json"), Json.write(index));
    }

    /** Adds an index entry tagged {@code tag} that is the good one with {@code field} set to {@code value}. */
    private void addEntry(String tag, String field, Object value) throws Exception {
        ObjectNode index = index();
        ArrayNode manifests = (ArrayNode) index.get("manifests");
        ObjectNode entry = manifests.get(0).deepCopy();
        ((ObjectNode) entry.get("annotations")).put("org.opencontainers.image.ref.name", tag);
        entry.set(field, Json.mapper().valueToTree(value));
        manifests.add(entry);
        writeIndex(index);
    }

    private Path blobFile() {
        return root.resolve("blobs/sha256").resolve(blobDescriptor.digest().hex());
    }

    @Test
    void aHugeIndexIsRefusedWithoutReadingIt() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("index.json").toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: 3 GiB claimed, nothing on disk
        }
        verificationFailure(store::listTags, "index.json is 3221225472 bytes, over the limit");
        verificationFailure(() -> store.fetchManifest(GOOD_TAG), "index.json");
    }

    @Test
    void anIndexLinkedToDevZeroOrAFifoIsRefusedWithoutReadingIt() throws Exception {
        Files.delete(root.resolve("index.json"));
        Files.createSymbolicLink(root.resolve("index.json"), Path.of("/dev/zero"));
        verificationFailure(store::listTags, "index.json is a special file");
        Files.delete(root.resolve("index.json"));
        mkfifo(root.resolve("index.json"));
        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> verificationFailure(store::listTags, "index.json is a special file"));
    }

    @Test
    void aDamagedOciLayoutFileIsAVerificationFailure() throws Exception {
        Path marker = root.resolve("oci-layout");
        Files.delete(marker);
        Files.createSymbolicLink(marker, Path.of("/dev/zero"));
        verificationFailure(() -> OciLayoutStore.open(root, false), "oci-layout is a special file");
        verificationFailure(() -> OciLayoutStore.open(root, true), "oci-layout is a special file");
        Files.delete(marker);
        Files.write(marker, new byte[10_000]);
        verificationFailure(() -> OciLayoutStore.open(root, false), "oci-layout is 10000 bytes");
        Files.write(marker, "[1]".getBytes(StandardCharsets.UTF_8));
        verificationFailure(() -> OciLayoutStore.open(root, false), "imageLayoutVersion");
    }

    @Test
    void anIndexThatIsNotAnIndexObjectIsAVerificationFailure() throws Exception {
        for (String text : List.of("[]", "\"index\"", "42", "{\"manifests\":{}}", "{\"manifests\":\"x\"}", "{",
                "{\"a\":1,\"a\":2}", "[".repeat(10_000))) {
            Files.writeString(root.resolve("index.json"), text);
            verificationFailure(store::listTags, "index.json");
            verificationFailure(() -> store.fetchManifest(GOOD_TAG), "index.json");
        }
    }

    @Test
    void aBlankMediaTypeSpoilsOnlyItsOwnTag() throws Exception {
        addEntry("2.0.0", "mediaType", " ");
        addEntry("3.0.0", "mediaType", "");
        assertEquals(List.of(GOOD_TAG), store.listTags());
        assertArrayEquals(manifest, store.fetchManifest(GOOD_TAG).bytes());
        verificationFailure(() -> store.fetchManifest("2.0.0"), "manifests[1].mediaType", "empty media type",
                "tag '2.0.0'");
        verificationFailure(() -> store.fetchManifest("3.0.0"), "manifests[2].mediaType");
        assertEquals(2, store.damagedEntries().size(), store.damagedEntries()::toString);
        // by digest the good entry of the same manifest serves: the bytes are checked against the digest anyway
        assertArrayEquals(manifest, store.fetchManifest(manifestDigest.toString()).bytes());
        // a push keeps the entries it cannot read as they are, and moving a damaged tag replaces it
        store.pushManifest(manifest, MediaTypes.OCI_MANIFEST, "stable");
        store.pushManifest(manifest, MediaTypes.OCI_MANIFEST, "3.0.0");
        assertEquals(List.of(GOOD_TAG, "stable", "3.0.0"), store.listTags());
        assertEquals(" ", index().get("manifests").get(1).get("mediaType").asText());
        verificationFailure(() -> store.fetchManifest("2.0.0"), "manifests[1].mediaType");
    }

    @Test
    void hostileDigestsAndSizesInTheIndexSpoilOnlyTheirOwnTags() throws Exception {
        String hex = manifestDigest.hex();
        addEntry("traversal", "digest", "sha256:../../../../etc/passwd");
        addEntry("sha512", "digest", "sha512:" + hex + hex);
        addEntry("upper", "digest", "sha256:" + hex.toUpperCase(java.util.Locale.ROOT));
        addEntry("short", "digest", "sha256:" + hex.substring(1));
        addEntry("negative", "size", -1);
        addEntry("float", "size", 12.5);
        addEntry("beyond-long", "size", new java.math.BigInteger("9223372036854775808"));
        addEntry("string-size", "size", "12");
        addEntry("control", "mediaType", "application/x\u001b[2J\u0007");
        assertEquals(List.of(GOOD_TAG, "control"), store.listTags());
        for (String tag : List.of("traversal", "sha512", "upper", "short")) {
            verificationFailure(() -> store.fetchManifest(tag), ".digest", "not a sha256 digest");
        }
        for (String tag : List.of("negative", "float", "beyond-long", "string-size")) {
            verificationFailure(() -> store.fetchManifest(tag), ".size");
        }
        // control characters make a media type no release has (the release reader says so, escaped), not a
        // damaged entry
        assertEquals("application/x\u001b[2J\u0007", store.fetchManifest("control").mediaType());
        UpdaterException missing = assertThrows(dev.updater.registry.NotFoundException.class,
                () -> store.fetchManifest("missing\u001b[2J"));
        assertTrue(missing.getMessage().contains("'missing\\u001b[2J'"), missing::getMessage);
        assertArrayEquals(manifest, store.fetchManifest(GOOD_TAG).bytes());
    }

    @Test
    void aDeclaredSizeFarOverTheManifestLimitIsRefusedBeforeReading() throws Exception {
        addEntry("huge", "size", Long.MAX_VALUE);
        verificationFailure(() -> store.fetchManifest("huge"), "declared over 4 MiB");
    }

    @Test
    void oneTagOnTwoManifestsIsAmbiguousAndRefused() throws Exception {
        addEntry("1.0.0", "digest", blobDescriptor.digest().toString());
        verificationFailure(() -> store.fetchManifest(GOOD_TAG), "tag '1.0.0' names different manifests",
                "manifests[0], manifests[1]");
        assertEquals(List.of(), store.listTags());
        assertEquals(1, store.damagedEntries().size());
        // the same manifest listed twice under one tag is only redundant
        ObjectNode index = index();
        ((ObjectNode) index.get("manifests").get(1)).put("digest", manifestDigest.toString());
        writeIndex(index);
        assertArrayEquals(manifest, store.fetchManifest(GOOD_TAG).bytes());
        assertEquals(List.of(GOOD_TAG), store.listTags());
    }

    @Test
    void aNestedIndexIsOnlyAnIndexAndIsNotFollowed() throws Exception {
        ObjectNode nested = index();
        byte[] nestedBytes = Json.write(nested);
        Digest nestedDigest = store.pushManifest(nestedBytes, MediaTypes.OCI_INDEX, "nested");
        assertEquals(MediaTypes.OCI_INDEX, store.fetchManifest("nested").mediaType());
        assertEquals(nestedDigest, store.resolve("nested").digest());
    }

    @Test
    void aBlobShorterOrLongerThanItsDescriptorIsRefusedAtOnceNotRetried() throws Exception {
        Files.write(blobFile(), java.util.Arrays.copyOf(blob, blob.length - 5));
        String shorter = "is " + (blob.length - 5) + " bytes, its descriptor says " + blob.length;
        verificationFailure(() -> store.openBlob(blobDescriptor), shorter);
        verificationFailure(() -> store.openBlobFrom(blobDescriptor, 3), shorter);
        BlobDownloader downloader = new BlobDownloader(store, 5_000, TransferListener.NONE);
        verificationFailure(() -> downloader.download(blobDescriptor, dir.resolve("downloads"), "payload"), shorter);

        Files.write(blobFile(), java.util.Arrays.copyOf(blob, blob.length + 1000));
        verificationFailure(() -> downloader.download(blobDescriptor, dir.resolve("downloads"), "payload"),
                "is " + (blob.length + 1000) + " bytes, its descriptor says " + blob.length);
    }

    @Test
    void aBlobThatIsNotARegularFileIsRefusedWithoutOpeningIt() throws Exception {
        Path file = blobFile();
        Files.delete(file);
        Files.createSymbolicLink(file, Path.of("/dev/zero"));
        verificationFailure(() -> store.openBlob(blobDescriptor), "is a symbolic link, not a regular file");
        verificationFailure(() -> store.fetchManifest(blobDescriptor.digest().toString()), "symbolic link");
        Path elsewhere = Files.write(dir.resolve("outside"), blob);
        Files.delete(file);
        Files.createSymbolicLink(file, elsewhere);
        verificationFailure(() -> store.openBlob(blobDescriptor), "symbolic link");
        Files.delete(file);
        Files.createDirectory(file);
        verificationFailure(() -> store.openBlobFrom(blobDescriptor, 0), "is a directory");
        Files.delete(file);
        mkfifo(file);
        BlobDownloader downloader = new BlobDownloader(store, 5_000, TransferListener.NONE);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            verificationFailure(() -> store.openBlob(blobDescriptor), "is a special file");
            verificationFailure(() -> downloader.download(blobDescriptor, dir.resolve("downloads"), "payload"),
                    "special file");
        });
        assertFalse(store.hasBlob(blobDescriptor.digest()));
        // pushing the blob again repairs the layout
        store.pushBlob(blobDescriptor, BlobSource.of(blob));
        try (InputStream in = store.openBlob(blobDescriptor)) {
            assertArrayEquals(blob, in.readAllBytes());
        }
    }

    @Test
    void aTruncatedBlobIsRewrittenByTheNextPush() throws Exception {
        Files.write(blobFile(), new byte[3]);
        store.pushBlob(blobDescriptor, BlobSource.of(blob));
        assertArrayEquals(blob, Files.readAllBytes(blobFile()));
    }

    private static void mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
    }
}
