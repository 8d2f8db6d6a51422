package dev.updater.tuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.BlobSource;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.tuf.MetadataTooLargeException;
import dev.updater.schema.tuf.UnsignedMetadataException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCI mapping of TUF metadata on an OCI layout: tags, exact bytes, limits, missing files. */
class OciMetadataFetcherTest {
    private static final Pattern OCI_TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    @TempDir
    Path dir;

    private ReleaseStore layout() {
        return ReleaseStores.openForPush(StoreReference.parse("oci:" + dir.resolve("repo")),
                ReleaseStores.Options.defaults());
    }

    @Test
    void anyRoleNameGivesAValidDistinctTagThatParsesBack() {
        List<String> names = List.of("root", "targets", "Team-A", "..", ".", "a/b", "?", "#", "ö", "a.b", "a_b",
                "x".repeat(65), "x".repeat(64), "");
        Set<String> tags = new HashSet<>();
        for (String name : names) {
            for (OptionalLong version : List.of(OptionalLong.empty(), OptionalLong.of(1),
                    OptionalLong.of(Long.MAX_VALUE))) {
                String tag = OciMetadataLayout.tagFor(name, version);
                assertTrue(OCI_TAG.matcher(tag).matches(), tag);
                assertTrue(tags.add(tag), "duplicate tag " + tag);
                OciMetadataLayout.ParsedTag parsed = OciMetadataLayout.parseTag(tag).orElseThrow();
                assertEquals(version, parsed.version());
            }
        }
        assertEquals("tuf-root.3", OciMetadataLayout.tagFor("root", OptionalLong.of(3)));
        assertEquals("tuf-timestamp", OciMetadataLayout.tagFor("timestamp", OptionalLong.empty()));
        assertTrue(OciMetadataLayout.parseTag("stable").isEmpty());
        assertTrue(OciMetadataLayout.parseTag("1.0.0").isEmpty());
    }

    @Test
    void mirroredFilesComeBackByteForByteAndMissingOnesEndTheChain() throws Exception {
        // Deliberately not canonical JSON: whitespace and key order must survive untouched.
        byte[] file = "{ \"signed\" : {\"b\":1, \"a\":2},\n \"signatures\": [] }\n".getBytes(StandardCharsets.UTF_8);
        Path metadata = dir.resolve("work/metadata");
        Files.createDirectories(metadata);
        Files.write(metadata.resolve("7.snapshot.json"), file);
        try (ReleaseStore store = layout()) {
            OciTrustMirror mirror = new OciTrustMirror(store);
            assertEquals(List.of("tuf-snapshot.7"), mirror.upload(metadata));
            assertEquals(List.of(), mirror.upload(metadata), "unchanged files are not pushed again");
            OciMetadataFetcher fetcher = new OciMetadataFetcher(store);
            assertArrayEquals(file, fetcher.fetchMetadata("snapshot", OptionalLong.of(7), 1_000));
            assertThrows(MetadataTooLargeException.class,
                    () -> fetcher.fetchMetadata("snapshot", OptionalLong.of(7), file.length - 1));
            assertThrows(MetadataNotFoundException.class,
                    () -> fetcher.fetchMetadata("root", OptionalLong.of(2), 1_000));
            assertThrows(MetadataNotFoundException.class,
                    () -> fetcher.fetchMetadata("snapshot", OptionalLong.empty(), 1_000));
            ImageManifest manifest = ImageManifest.parse(store.fetchManifest("tuf-snapshot.7").bytes());
            assertEquals(OciMetadataLayout.ARTIFACT_TYPE, manifest.artifactType().orElseThrow());
            assertEquals(MediaTypes.OCI_EMPTY, manifest.config().mediaType());
            assertTrue(store.hasBlob(manifest.config().digest()));
        }
    }

    @Test
    void aReleaseUnderAMetadataTagIsRefused() {
        try (ReleaseStore store = layout()) {
            byte[] other = "{}".getBytes(StandardCharsets.UTF_8);
            store.pushBlob(OciMetadataLayout.EMPTY_CONFIG_DESCRIPTOR, BlobSource.of(other));
            ImageManifest notMetadata = new ImageManifest(java.util.Optional.of("application/x-other"),
                    OciMetadataLayout.EMPTY_CONFIG_DESCRIPTOR, List.of(), java.util.Optional.empty(),
                    java.util.Map.of());
            store.pushManifest(notMetadata.toBytes(), MediaTypes.OCI_MANIFEST, "tuf-timestamp");
            assertThrows(ManifestFormatException.class, () -> new OciMetadataFetcher(store)
                    .fetchMetadata("timestamp", OptionalLong.empty(), 16_384));
        }
    }

    @Test
    void sameFileSameManifestDigest() {
        byte[] file = "{\"signed\":{}}".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(OciMetadataLayout.manifestFor("targets", file).toBytes(),
                OciMetadataLayout.manifestFor("targets", file).toBytes());
        assertNotEquals(OciMetadataLayout.layerFor(file).digest(),
                OciMetadataLayout.layerFor("{\"signed\":{} }".getBytes(StandardCharsets.UTF_8)).digest());
    }

    /** Registry pulls walk delegations with the same client: a role is verified against each delegator it is reached from. */
    @Test
    void aRoleReachedThroughTwoDelegatorsIsVerifiedAgainstEach() throws Exception {
        TestRepository repo = TestRepository.oneRoleUnderTwoDelegators();
        repo.consistentSnapshot = true;
        repo.publishAll();
        Path published = dir.resolve("work/metadata");
        Files.createDirectories(published);
        for (var file : repo.files.entrySet()) {
            if (file.getKey().startsWith("/metadata/")) {
                Files.write(published.resolve(file.getKey().substring("/metadata/".length())), file.getValue());
            }
        }
        Path device = dir.resolve("device");
        Files.createDirectories(device);
        Files.write(device.resolve("root.json"), repo.root(1));
        try (ReleaseStore store = layout()) {
            new OciTrustMirror(store).upload(published);
            for (String role : List.of("parent-a", "parent-b", "release")) {   // the mirror pushes top-level roles only
                byte[] bytes = repo.files.get(repo.metadataPath(role, 1));
                store.pushBlob(OciMetadataLayout.layerFor(bytes), BlobSource.of(bytes));
                store.pushManifest(OciMetadataLayout.manifestFor(role, bytes).toBytes(), MediaTypes.OCI_MANIFEST,
                        OciMetadataLayout.tagFor(role, OptionalLong.of(1)));
            }
            TufClient updater = new TufClient(device, new OciMetadataFetcher(store));
            assertEquals(4, updater.getTargetInfo("team-a/app.txt").orElseThrow().length());
            UnsignedMetadataException refused = assertThrows(UnsignedMetadataException.class,
                    () -> updater.getTargetInfo("team-b/malicious.txt"));
            assertTrue(refused.getMessage().contains("parent-b"), refused.getMessage());
        }
    }
}
