package dev.updater.tuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.schema.Digest;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Failure;
import dev.updater.schema.Json;
import dev.updater.schema.tuf.ExpiredMetadataException;
import dev.updater.schema.tuf.LengthOrHashMismatchException;
import dev.updater.schema.tuf.Metadata;
import dev.updater.schema.tuf.MetadataLimits;
import dev.updater.schema.tuf.MetadataTooLargeException;
import dev.updater.schema.tuf.RollbackException;
import dev.updater.schema.tuf.TargetFile;
import dev.updater.schema.tuf.TufVerificationException;
import dev.updater.schema.tuf.UnsignedMetadataException;
import dev.updater.schema.tuf.VersionMismatchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per attack the TUF specification names, each against a real HTTP repository on 127.0.0.1. Every test
 * checks the refusal's type and that the trusted metadata on disk is exactly as before the attack.
 */
class TufClientAttackTest {
    @TempDir
    Path temp;
    TestRepository repo;
    RepositoryServer server;
    Path metadataDir;

    @BeforeEach
    void publishAndTrustVersionOne() throws IOException {
        repo = new TestRepository();
        repo.addTarget("app.txt", "release 1");
        repo.publishAll();
        server = new RepositoryServer(repo.files);
        metadataDir = temp.resolve("metadata");
        Files.createDirectories(metadataDir);
        Files.write(metadataDir.resolve("root.json"), repo.root(1));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    TufClient updater(Instant now) {
        return new TufClient(metadataDir,
                new HttpMetadataFetcher(server.metadataUrl(), Optional.of(server.targetsUrl())),
                Clock.fixed(now, ZoneOffset.UTC), MetadataLimits.DEFAULTS);
    }

    Map<String, String> disk() throws IOException {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> files = Files.list(metadataDir)) {
            for (Path file : files.toList()) state.put(file.getFileName().toString(), Digest.of(Files.readAllBytes(file)).hex());
        }
        return state;
    }

    /** Refresh must fail with {@code type} and leave every trusted file as it was. */
    <T extends Throwable> T assertRefusedAndUntouched(Class<T> type, Instant now) throws IOException {
        Map<String, String> before = disk();
        T refused = assertThrows(type, () -> updater(now).refresh());
        assertEquals(before, disk(), "trusted metadata on disk changed although the update was refused");
        return refused;
    }

    long trustedVersion(String role) throws IOException {
        return Metadata.any(Files.readAllBytes(metadataDir.resolve(role + ".json"))).signed().version();
    }

    void bumpAndPublish(String... roles) {
        for (String role : roles) repo.versions.merge(role, 1L, Long::sum);
        repo.publishTargetsSnapshotTimestamp();
    }

    @Test
    void arbitrarySoftwareSignedByUnknownKeysIsRefused() throws IOException {
        updater(TestRepository.NOW).refresh();
        // an attacker without any trusted key re-signs a whole repository carrying malicious software
        for (String role : List.of("timestamp", "snapshot", "targets")) repo.keys.put(role, List.of(TestRepository.newKey()));
        repo.addTarget("app.txt", "malware");
        bumpAndPublish("timestamp", "snapshot", "targets");

        UnsignedMetadataException refused = assertRefusedAndUntouched(UnsignedMetadataException.class, TestRepository.NOW);
        assertEquals("timestamp", refused.role());
        assertEquals(Failure.VERIFICATION, refused.failure());
    }

    @Test
    void forgedTargetsBehindValidTimestampAndSnapshotIsRefused() throws IOException {
        updater(TestRepository.NOW).refresh();
        byte[] trustedTargets = Files.readAllBytes(metadataDir.resolve("targets.json"));
        repo.keys.put("targets", List.of(TestRepository.newKey()));
        repo.addTarget("app.txt", "malware");
        bumpAndPublish("timestamp", "snapshot", "targets");

        UnsignedMetadataException refused = assertThrows(UnsignedMetadataException.class,
                () -> updater(TestRepository.NOW).refresh());
        assertEquals("targets", refused.role());
        assertArrayEquals(trustedTargets, Files.readAllBytes(metadataDir.resolve("targets.json")));
    }

    @Test
    void rollbackToAnOlderTimestampIsRefused() throws IOException {
        byte[] oldTimestamp = repo.files.get("/metadata/timestamp.json");
        bumpAndPublish("timestamp", "snapshot", "targets");
        updater(TestRepository.NOW).refresh();
        assertEquals(2, trustedVersion("timestamp"));

        repo.files.put("/metadata/timestamp.json", oldTimestamp);
        RollbackException refused = assertRefusedAndUntouched(RollbackException.class, TestRepository.NOW);
        assertTrue(refused.getMessage().contains("version 1 is older than trusted version 2"), refused.getMessage());
    }

    @Test
    void indefiniteFreezeWithAnExpiredTimestampIsRefused() throws IOException {
        updater(TestRepository.NOW).refresh();
        // the repository (or a mirror replaying it) keeps serving the same timestamp after it expired
        Instant later = repo.expires.get("timestamp").plusSeconds(1);

        ExpiredMetadataException refused = assertRefusedAndUntouched(ExpiredMetadataException.class, later);
        assertEquals("timestamp", refused.role());
        assertTrue(refused.getMessage().contains("update trust timestamp"), refused.getMessage());
    }

    @Test
    void endlessDataIsCutAtTheLimit() throws IOException {
        updater(TestRepository.NOW).refresh();
        byte[] timestamp = repo.files.get("/metadata/timestamp.json");
        byte[] endless = Arrays.copyOf(timestamp, (int) MetadataLimits.DEFAULTS.timestampMaxBytes() + 100);
        Arrays.fill(endless, timestamp.length, endless.length, (byte) ' ');
        repo.files.put("/metadata/timestamp.json", endless);
        assertRefusedAndUntouched(MetadataTooLargeException.class, TestRepository.NOW);

        // snapshot may not exceed the length the (valid) timestamp lists for it
        bumpAndPublish("timestamp", "snapshot");
        byte[] snapshot = repo.files.get("/metadata/snapshot.json");
        byte[] trustedSnapshot = Files.readAllBytes(metadataDir.resolve("snapshot.json"));
        repo.files.put("/metadata/snapshot.json", Arrays.copyOf(snapshot, snapshot.length + 1));
        assertThrows(MetadataTooLargeException.class, () -> updater(TestRepository.NOW).refresh());
        assertArrayEquals(trustedSnapshot, Files.readAllBytes(metadataDir.resolve("snapshot.json")));
    }

    @Test
    void mixAndMatchOfSnapshotAndTargetsIsRefused() throws IOException {
        updater(TestRepository.NOW).refresh();
        byte[] oldSnapshot = repo.files.get("/metadata/snapshot.json");
        byte[] trustedSnapshot = Files.readAllBytes(metadataDir.resolve("snapshot.json"));
        byte[] trustedTargets = Files.readAllBytes(metadataDir.resolve("targets.json"));
        byte[] oldTargets = repo.files.get("/metadata/targets.json");
        repo.addTarget("app.txt", "release 2");
        bumpAndPublish("timestamp", "snapshot", "targets");

        // a mirror serves the new timestamp with the old snapshot: its hash is not the one timestamp lists
        repo.files.put("/metadata/snapshot.json", oldSnapshot);
        assertThrows(LengthOrHashMismatchException.class, () -> updater(TestRepository.NOW).refresh());
        assertArrayEquals(trustedSnapshot, Files.readAllBytes(metadataDir.resolve("snapshot.json")));

        // the new snapshot (targets v2) with the old, validly signed targets v1
        repo.publishSnapshot();
        repo.publishTimestamp();
        repo.files.put("/metadata/targets.json", oldTargets);
        VersionMismatchException refused = assertThrows(VersionMismatchException.class,
                () -> updater(TestRepository.NOW).refresh());
        assertEquals("targets", refused.role());
        assertArrayEquals(trustedTargets, Files.readAllBytes(metadataDir.resolve("targets.json")));
    }

    @Test
    void timestampBelowItsThresholdIsRefused() throws IOException {
        KeyPair second = TestRepository.newKey();
        repo.keys.get("timestamp").add(second);
        repo.thresholds.put("timestamp", 2);
        repo.versions.put("root", 2L);
        repo.rotate("root", repo.keys.get("root").toArray(KeyPair[]::new));
        repo.publishAll();
        updater(TestRepository.NOW).refresh();
        assertEquals(2, trustedVersion("root"));

        // one of two required keys signs: refused, whether its signature is listed once or twice
        repo.keys.put("timestamp", new java.util.ArrayList<>(List.of(second)));
        bumpAndPublish("timestamp");
        byte[] once = repo.files.get("/metadata/timestamp.json");
        UnsignedMetadataException single = assertRefusedAndUntouched(UnsignedMetadataException.class,
                TestRepository.NOW);
        assertTrue(single.getMessage().contains("1 valid signature(s)") && single.getMessage().contains("threshold is 2"),
                single.getMessage());
        var json = (ObjectNode) Json.parse(once, "timestamp");
        ((ArrayNode) json.get("signatures")).add(json.get("signatures").get(0).deepCopy());
        repo.files.put("/metadata/timestamp.json", Json.write(json));
        assertRefusedAndUntouched(dev.updater.schema.ManifestFormatException.class, TestRepository.NOW);
    }

    @Test
    void oneKeyListedUnderTwoKeyIdsCountsOnce() throws IOException {
        // root v2 lists the timestamp key a second time under another key id and asks for 2 signatures
        KeyPair timestampKey = repo.keys.get("timestamp").get(0);
        String alias = "00".repeat(32);
        repo.versions.put("root", 2L);
        ObjectNode root = (ObjectNode) Json.parse(repo.publishRoot(), "root").get("signed");
        ((ObjectNode) root.get("keys")).set(alias, TestRepository.publicKey(timestampKey).json());
        ObjectNode timestampRole = (ObjectNode) root.get("roles").get("timestamp");
        ((ArrayNode) timestampRole.get("keyids")).add(alias);
        timestampRole.put("threshold", 2);
        repo.files.put("/metadata/2.root.json", TestRepository.sign(root, repo.keys.get("root")));

        ObjectNode timestamp = (ObjectNode) Json.parse(repo.files.get("/metadata/timestamp.json"), "t").get("signed");
        byte[] twice = TestRepository.sign(timestamp, List.of(timestampKey, timestampKey));
        ObjectNode doc = (ObjectNode) Json.parse(twice, "t");
        ((ObjectNode) doc.get("signatures").get(1)).put("keyid", alias);
        repo.files.put("/metadata/timestamp.json", Json.write(doc));

        Map<String, String> before = disk();
        UnsignedMetadataException refused = assertThrows(UnsignedMetadataException.class,
                () -> updater(TestRepository.NOW).refresh());
        assertTrue(refused.getMessage().contains("1 valid signature(s)"), refused.getMessage());
        assertEquals(before.keySet(), disk().keySet());
    }

    @Test
    void keyRevokedByRootRotationNoLongerSigns() throws IOException {
        KeyPair revoked = repo.keys.get("timestamp").get(0);
        repo.rotate("timestamp", TestRepository.newKey());
        repo.versions.put("root", 2L);
        repo.rotate("root", repo.keys.get("root").toArray(KeyPair[]::new));
        repo.publishRoot();
        bumpAndPublish("timestamp");
        updater(TestRepository.NOW).refresh();
        assertEquals(2, trustedVersion("root"));

        // whoever still holds the revoked key signs a newer timestamp
        repo.keys.put("timestamp", List.of(revoked));
        bumpAndPublish("timestamp", "snapshot");
        UnsignedMetadataException refused = assertRefusedAndUntouched(UnsignedMetadataException.class,
                TestRepository.NOW);
        assertEquals("timestamp", refused.role());
    }

    @Test
    void newRootMustBeSignedByTheOldRootKeysToo() throws IOException {
        repo.keys.put("root", List.of(TestRepository.newKey()));
        repo.versions.put("root", 2L);
        repo.publishRoot();  // signed by the new key only: an attacker's root
        UnsignedMetadataException refused = assertRefusedAndUntouched(UnsignedMetadataException.class,
                TestRepository.NOW);
        assertEquals("root", refused.role());
    }

    @Test
    void fastForwardRecoveryAfterTimestampKeyRotation() throws IOException {
        // an attacker with the (compromised) timestamp key fast-forwards the timestamp version
        repo.versions.put("timestamp", 1000L);
        repo.publishTimestamp();
        updater(TestRepository.NOW).refresh();
        assertEquals(1000, trustedVersion("timestamp"));

        // the publisher rotates the timestamp key and restarts at a sane version
        repo.rotate("timestamp", TestRepository.newKey());
        repo.versions.put("root", 2L);
        repo.rotate("root", repo.keys.get("root").toArray(KeyPair[]::new));
        repo.publishRoot();
        repo.versions.put("timestamp", 2L);
        repo.publishTimestamp();

        updater(TestRepository.NOW).refresh();
        assertEquals(2, trustedVersion("root"));
        assertEquals(2, trustedVersion("timestamp"));
        assertArrayEquals(repo.files.get("/metadata/timestamp.json"),
                Files.readAllBytes(metadataDir.resolve("timestamp.json")));
    }

    @Test
    void fastForwardRecoveryAfterSnapshotKeyRotation() throws IOException {
        repo.versions.put("snapshot", 1000L);
        bumpAndPublish("timestamp");
        updater(TestRepository.NOW).refresh();
        assertEquals(1000, trustedVersion("snapshot"));

        repo.rotate("snapshot", TestRepository.newKey());
        repo.versions.put("root", 2L);
        repo.rotate("root", repo.keys.get("root").toArray(KeyPair[]::new));
        repo.publishRoot();
        repo.versions.put("snapshot", 1L);
        bumpAndPublish("timestamp");

        updater(TestRepository.NOW).refresh();
        assertEquals(1, trustedVersion("snapshot"));
    }

    @Test
    void tamperedTargetIsNotWrittenAndCleanOneIs() throws IOException {
        TufClient updater = updater(TestRepository.NOW);
        TargetFile info = updater.getTargetInfo("app.txt").orElseThrow();
        Path out = temp.resolve("out/app.txt");
        repo.files.put("/targets/app.txt", "release X".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        TufVerificationException refused = assertThrows(LengthOrHashMismatchException.class,
                () -> updater.downloadTarget(info, out));
        assertTrue(refused.getMessage().contains("app.txt"));
        assertFalse(Files.exists(out));
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertEquals(0, left.count(), "no partial file may remain");
        }
        repo.files.put("/targets/app.txt", "release 1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        updater.downloadTarget(info, out);
        assertEquals("release 1", Files.readString(out));
        assertTrue(updater.findCachedTarget(info, out).isPresent());
    }
}
