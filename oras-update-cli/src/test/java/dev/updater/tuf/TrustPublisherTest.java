package dev.updater.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.cli.Main;
import dev.updater.schema.tuf.ExpiredMetadataException;
import dev.updater.schema.tuf.Metadata;
import dev.updater.schema.tuf.MetadataLimits;
import dev.updater.schema.tuf.Root;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code update trust} publishes what {@code update tuf-client} accepts, through key rotations and expiry. */
class TrustPublisherTest {
    @TempDir
    Path temp;
    String output = "";

    int update(String... args) {
        StringWriter out = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(out));
        output = out.toString();
        return code;
    }

    @Test
    void initAddTargetRotateAndTimestampStayTrustedByTheClient() throws IOException {
        Path repo = temp.resolve("repo");
        Path keys = temp.resolve("keys");
        Path metadata = temp.resolve("device");
        Path app = temp.resolve("app.txt");
        Files.writeString(app, "release 1");
        assertEquals(0, update("trust", "init", "--repo", repo.toString(), "--keys", keys.toString(),
                "--root-keys", "2", "--root-threshold", "2"), output);
        assertEquals(0, update("trust", "add-target", "--repo", repo.toString(), "--keys", keys.toString(),
                "apps/app.txt=" + app), output);

        try (RepositoryServer server = RepositoryServer.ofDirectory(repo)) {
            String[] refresh = {"tuf-client", "--metadata-dir", metadata.toString(), "--metadata-url",
                server.metadataUrl().toString(), "refresh"};
            assertEquals(0, update("tuf-client", "--metadata-dir", metadata.toString(), "init",
                    repo.resolve("metadata/1.root.json").toString()));
            assertEquals(0, update("tuf-client", "--metadata-dir", metadata.toString(), "--metadata-url",
                    server.metadataUrl().toString(), "--target-base-url", server.targetsUrl().toString(),
                    "--target-dir", temp.resolve("out").toString(), "--target-name", "apps/app.txt", "download"), output);
            assertEquals("release 1", Files.readString(temp.resolve("out/apps%2Fapp.txt")));

            // a timestamp key rotation: the old timestamp is refused until re-signed with the new key
            assertEquals(0, update("trust", "rotate", "--repo", repo.toString(), "--keys", keys.toString(),
                    "--role", "timestamp"), output);
            assertEquals(1, update(refresh));
            assertEquals(0, update("trust", "timestamp", "--repo", repo.toString(), "--keys", keys.toString(),
                    "--timestamp-key", keys.resolve("timestamp-v2.pem").toString()), output);
            assertEquals(0, update(refresh), output);

            // a root key rotation with one root key only is refused: the threshold of the old root is 2
            assertEquals(7, update("trust", "rotate", "--repo", repo.toString(), "--keys", keys.toString(),
                    "--role", "root", "--new-key", keys.resolve("new-root.pem").toString(),
                    "--root-key", keys.resolve("root.pem").toString()));
            assertTrue(output.contains("would not be trusted"), output);
            assertEquals(0, update("trust", "rotate", "--repo", repo.toString(), "--keys", keys.toString(),
                    "--role", "root", "--new-key", keys.resolve("new-root.pem").toString()), output);
            assertEquals(0, update(refresh), output);
            Root trusted = Metadata.root(Files.readAllBytes(metadata.resolve("root.json"))).signed();
            assertEquals(3, trusted.version());
            assertEquals(1, trusted.role("root").keyIds().size());

            // a day later, without 'update trust timestamp', devices refuse the frozen repository
            Clock later = Clock.fixed(Clock.systemUTC().instant().plus(Duration.ofDays(1)).plusSeconds(60),
                    ZoneOffset.UTC);
            TufClient device = new TufClient(metadata, new HttpMetadataFetcher(server.metadataUrl(), Optional.empty()),
                    later, MetadataLimits.DEFAULTS);
            ExpiredMetadataException expired = assertThrows(ExpiredMetadataException.class, device::refresh);
            assertTrue(expired.getMessage().contains("update trust timestamp"), expired.getMessage());
        }
    }

    @Test
    void offlineRootKeysSignAStagedRootOneByOne() throws IOException {
        Path repo = temp.resolve("repo");
        Path keys = temp.resolve("keys");
        Path offline = temp.resolve("offline");
        assertEquals(0, update("trust", "init", "--repo", repo.toString(), "--keys", keys.toString(),
                "--root-keys", "2", "--root-threshold", "2"), output);
        Files.createDirectories(offline);
        Files.move(keys.resolve("root-2.pem"), offline.resolve("root-2.pem"));

        assertEquals(0, update("trust", "rotate", "--repo", repo.toString(), "--keys", keys.toString(), "--role",
                "root", "--stage", "--new-key", offline.resolve("new-root.pem").toString(),
                "--root-key", keys.resolve("root.pem").toString()), output);
        assertTrue(output.contains("1 of 2") && output.contains("staged"), output);
        assertTrue(Files.exists(repo.resolve("staged/2.root.json")));
        assertTrue(Files.notExists(repo.resolve("metadata/2.root.json")), "an under-signed root is never published");

        assertEquals(0, update("trust", "sign-root", "--repo", repo.toString(), "--keys", keys.toString(),
                "--key", offline.resolve("root-2.pem").toString()), output);
        assertTrue(output.contains("published"), output);
        assertTrue(Files.notExists(repo.resolve("staged/2.root.json")));
        Metadata<Root> v1 = Metadata.root(Files.readAllBytes(repo.resolve("metadata/1.root.json")));
        Metadata<Root> v2 = Metadata.root(Files.readAllBytes(repo.resolve("metadata/2.root.json")));
        v1.signed().verifyDelegate("root", v2);
        v2.signed().verifyDelegate("root", v2);
    }

    @Test
    void readsThePkcs8KeysOfTheReferenceImplementation() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/tuf-keystore/README.md").toURI()).getParent();
        Root root = Metadata.root(Files.readAllBytes(dir.resolve("root.json"))).signed();
        TufSigningKey targets = TufSigningKey.read(dir.resolve("targets_key"));
        // the listed keys carry keyid_hash_algorithms, so compare key material rather than key ids
        assertEquals(root.keys().get(root.role("targets").keyIds().get(0)).publicValue(),
                targets.publicKey().publicValue());
        TufSigningKey rsa = TufSigningKey.read(dir.resolve("root_key"));
        assertEquals(root.keys().get(root.role("root").keyIds().get(0)).publicValue().replaceAll("\\s", ""),
                rsa.publicKey().publicValue().replaceAll("\\s", ""));
        byte[] message = "payload".getBytes(StandardCharsets.UTF_8);
        assertTrue(rsa.publicKey().verify(message, rsa.sign(message)), "RSA-PSS signatures verify");
        assertTrue(targets.publicKey().verify(message, targets.sign(message)));
    }

    @Test
    void durationsReadLikePeopleWriteThem() {
        assertEquals(Duration.ofDays(1), dev.updater.cli.TrustCommandAccess.parseDuration("1d"));
        assertEquals(Duration.ofHours(12), dev.updater.cli.TrustCommandAccess.parseDuration("12h"));
        assertEquals(Duration.ofHours(6), dev.updater.cli.TrustCommandAccess.parseDuration("PT6H"));
        assertEquals(2, update("trust", "timestamp", "--repo", temp.toString(), "--keys", temp.toString(),
                "--expires", "soon"));
    }
}
