package dev.updater.schema.tuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.updater.schema.ManifestFormatException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Metadata written by the reference implementation (python-tuf 5.1.0) must verify and round-trip byte-exactly. */
class TufVectorsTest {
    static final Clock BEFORE_EXPIRY = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    static Path vectors() {
        try {
            return Path.of(TufVectorsTest.class.getResource("/tuf-vectors/README.md").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] read(String relative) throws IOException {
        return Files.readAllBytes(vectors().resolve(relative));
    }

    static Stream<Path> allMetadataFiles() throws IOException {
        try (Stream<Path> files = Files.walk(vectors())) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("allMetadataFiles")
    void reserialisingGivesBackTheExactBytes(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Metadata<? extends Signed> metadata = Metadata.any(bytes);
        assertArrayEquals(bytes, metadata.toPrettyBytes(), file + " changed when re-serialised");
        assertArrayEquals(bytes, metadata.bytes());
    }

    @Test
    void everySignatureOfTheRepositoryVerifiesWithItsDelegatorsKeys() throws IOException {
        Metadata<Root> root = Metadata.root(read("repository/metadata/root.json"));
        Metadata<Timestamp> timestamp = Metadata.timestamp(read("repository/metadata/timestamp.json"));
        Metadata<SnapshotMetadata> snapshot = Metadata.snapshot(read("repository/metadata/snapshot.json"));
        Metadata<Targets> targets = Metadata.targets(read("repository/metadata/targets.json"));
        Metadata<Targets> role1 = Metadata.targets(read("repository/metadata/role1.json"));
        Metadata<Targets> role2 = Metadata.targets(read("repository/metadata/role2.json"));

        root.signed().verifyDelegate("root", root);
        root.signed().verifyDelegate("timestamp", timestamp);
        root.signed().verifyDelegate("snapshot", snapshot);
        root.signed().verifyDelegate("targets", targets);
        targets.signed().verifyDelegate("targets", "role1", role1);
        role1.signed().verifyDelegate("role1", "role2", role2);

        assertEquals("rsa", root.signed().keys().get(root.signed().role("root").keyIds().get(0)).keyType());
        assertThrows(UnsignedMetadataException.class, () -> root.signed().verifyDelegate("timestamp", snapshot));
        assertThrows(RepositoryInconsistencyException.class,
                () -> targets.signed().verifyDelegate("targets", "role2", role2));
    }

    @Test
    void theEd25519OnlySetVerifies() throws IOException {
        Metadata<Root> root = Metadata.root(read("ed25519_metadata/root_with_ed25519.json"));
        root.signed().verifyDelegate("root", root);
        root.signed().verifyDelegate("timestamp", Metadata.timestamp(read("ed25519_metadata/timestamp_with_ed25519.json")));
        root.signed().verifyDelegate("snapshot", Metadata.snapshot(read("ed25519_metadata/snapshot_with_ed25519.json")));
        root.signed().verifyDelegate("targets", Metadata.targets(read("ed25519_metadata/targets_with_ed25519.json")));
        assertTrue(root.signed().consistentSnapshot());
    }

    @Test
    void fishyRoleNamesAreReadAndVerifiedAsTheyAre() throws IOException {
        Metadata<Targets> targets = Metadata.targets(read("fishy_rolenames/metadata/1.targets.json"));
        List<String> names = targets.signed().delegations().orElseThrow().roles().stream()
                .map(DelegatedRole::name).toList();
        assertEquals(List.of("../a", ".", "ö"), names);
        Metadata<Targets> umlaut = Metadata.targets(read("fishy_rolenames/metadata/1.ö.json"));
        targets.signed().verifyDelegate("targets", "ö", umlaut);
        Metadata<SnapshotMetadata> snapshot = Metadata.snapshot(read("fishy_rolenames/metadata/2.snapshot.json"));
        assertTrue(snapshot.signed().metaFor("ö").isPresent());
        assertTrue(snapshot.signed().metaFor("../a").isPresent());
    }

    @Test
    void timestampListsTheSnapshotsLengthAndHash() throws IOException {
        Metadata<Timestamp> timestamp = Metadata.timestamp(read("repository/metadata/timestamp.json"));
        byte[] snapshot = read("repository/metadata/snapshot.json");
        timestamp.signed().snapshotMeta().verifyLengthAndHashes("snapshot", snapshot);
        snapshot[snapshot.length - 1] = ' ';
        assertThrows(LengthOrHashMismatchException.class,
                () -> timestamp.signed().snapshotMeta().verifyLengthAndHashes("snapshot", snapshot));
    }

    @Test
    void targetFilesHaveTheListedLengthAndHashes() throws IOException {
        Metadata<Targets> targets = Metadata.targets(read("repository/metadata/targets.json"));
        TargetFile file1 = targets.signed().targets().get("file1.txt");
        file1.verifyLengthAndHashes(read("repository/targets/file1.txt"));
        assertEquals("0644", file1.custom().orElseThrow().get("file_permissions").textValue());
        assertThrows(LengthOrHashMismatchException.class,
                () -> file1.verifyLengthAndHashes(read("repository/targets/file2.txt")));
    }

    @Test
    void keyIdsAreTheHashOfTheCanonicalKey() throws IOException {
        Root root = Metadata.root(read("repository/metadata/root.json")).signed();
        root.keys().forEach((id, key) -> assertEquals(id, key.computeKeyId()));
    }

    @Test
    void theWholeRepositoryLoadsThroughTheTrustedSet() throws IOException {
        TrustedMetadataSet trusted = new TrustedMetadataSet(read("repository/metadata/root.json"), BEFORE_EXPIRY);
        assertTrue(trusted.updateTimestamp(read("repository/metadata/timestamp.json")));
        trusted.updateSnapshot(read("repository/metadata/snapshot.json"), false);
        TrustedTargets targets = trusted.updateTargets(read("repository/metadata/targets.json"));
        TrustedTargets role1 = trusted.updateDelegatedTargets(read("repository/metadata/role1.json"), "role1", targets);
        trusted.updateDelegatedTargets(read("repository/metadata/role2.json"), "role2", role1);
        TrustedTargets role2 = trusted.delegatedTargets(role1, "role2").orElseThrow();
        assertEquals(1, role2.signed().version());
        assertEquals(List.of("targets", "role1", "role2"), role2.chain());
    }

    /**
     * Flipping the low bit of any byte inside "signed" must break parsing or change the signed (canonical) bytes;
     * every 8th such change is also run through signature verification, which must refuse it.
     */
    @ParameterizedTest
    @MethodSource("signedFilesAndSigners")
    void changingAnyByteOfSignedFailsVerification(String file, String roleName, String delegatorFile)
            throws IOException {
        byte[] original = read(file);
        boolean byRoot = delegatorFile.endsWith("root.json");
        Root delegatorRoot = byRoot ? Metadata.root(read(delegatorFile)).signed() : null;
        Targets delegatorTargets = byRoot ? null : Metadata.targets(read(delegatorFile)).signed();
        byte[] signedBytes = Metadata.any(original).signedBytes();
        String text = new String(original, StandardCharsets.UTF_8);
        int start = text.indexOf("\"signed\":");
        assertTrue(start > 0);
        int parsed = 0;
        for (int i = start; i < original.length; i++) {
            byte[] changed = original.clone();
            changed[i] ^= 0x01;
            Metadata<? extends Signed> metadata;
            try {
                metadata = Metadata.any(changed);
            } catch (ManifestFormatException | IllegalArgumentException e) {
                continue;
            }
            assertFalse(java.util.Arrays.equals(signedBytes, metadata.signedBytes()),
                    "byte " + i + " of " + file + " changed but the signed bytes did not");
            if (parsed++ % 8 != 0) continue;
            try {
                if (delegatorRoot != null) {
                    delegatorRoot.verifyDelegate(roleName, metadata);
                } else {
                    delegatorTargets.verifyDelegate("targets", roleName, metadata);
                }
                fail("byte " + i + " of " + file + " changed and the signature still verified");
            } catch (UnsignedMetadataException expected) {
                // what must happen
            }
        }
        assertTrue(parsed > 10, "too few changes parsed to test the signature: " + parsed);
        Metadata<? extends Signed> intact = Metadata.any(original);
        if (delegatorRoot != null) delegatorRoot.verifyDelegate(roleName, intact);
        else delegatorTargets.verifyDelegate("targets", roleName, intact);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> signedFilesAndSigners() {
        String root = "repository/metadata/root.json";
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(root, "root", root),
                org.junit.jupiter.params.provider.Arguments.of("repository/metadata/timestamp.json", "timestamp", root),
                org.junit.jupiter.params.provider.Arguments.of("repository/metadata/snapshot.json", "snapshot", root),
                org.junit.jupiter.params.provider.Arguments.of("repository/metadata/targets.json", "targets", root),
                org.junit.jupiter.params.provider.Arguments.of("repository/metadata/role1.json", "role1",
                        "repository/metadata/targets.json"));
    }
}
