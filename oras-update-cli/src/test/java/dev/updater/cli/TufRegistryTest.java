package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.tuf.Metadata;
import dev.updater.tuf.OciMetadataLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TUF trust in the release repository of a real distribution registry (and an OCI layout), through the CLI: what a
 * device installs is decided by signed targets metadata, never by tags.
 */
class TufRegistryTest {
    @RegisterExtension
    static final LocalRegistry.PerClass registry = LocalRegistry.perClass();

    @TempDir
    Path dir;

    private static CliRunner.Result ok(String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(ExitCode.OK, r.exitCode(), r::toString);
        return r;
    }

    private static String[] with(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private Path payload(String version, long seed) throws Exception {
        byte[] bytes = new byte[4_000];
        new Random(seed).nextBytes(bytes);
        Path file = dir.resolve("build-" + version).resolve("app");
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return file;
    }

    private Path push(String repo, String version, long seed, String... extra) throws Exception {
        Path file = payload(version, seed);
        ok(with(new String[] {"push", repo, "--version", version, "--target", "t=" + file, "--channel", "stable",
            "--delta-from", "0", "--quiet"}, extra));
        return file;
    }

    @Test
    void devicesInstallWhatSignedTargetsSayWhateverTheTags() throws Exception {
        String repo = registry.hostPort() + "/tuf/app";
        String[] http = {"--plain-http"};
        Path keys = dir.resolve("keys");
        Path work = dir.resolve("work");
        String[] trust = {"--registry", repo, "--repo", work.toString(), "--keys", keys.toString(), "--plain-http"};
        ok(with(new String[] {"trust", "init"}, trust));
        Path rootV1 = dir.resolve("1.root.json");
        Files.copy(work.resolve("metadata/1.root.json"), rootV1);

        String[] signed = {"--plain-http", "--trust-keys", keys.toString()};
        Path v100 = push(repo, "1.0.0", 1, signed);
        push(repo, "1.1.0", 2, signed);
        ok(with(new String[] {"trust", "rotate", "--role", "root"}, trust));
        byte[] olderTimestamp = manifestBytes(repo, "tuf-timestamp");
        Path v120 = push(repo, "1.2.0", 3, signed);
        try (ReleaseStore store = ReleaseStores.open(StoreReference.parse(repo),
                ReleaseStores.Options.defaults().withPlainHttp(true))) {
            List<String> tags = store.listTags();
            for (String tag : List.of("tuf-root.1", "tuf-root.2", "tuf-timestamp", "tuf-targets.4", "tuf-snapshot.4")) {
                assertTrue(tags.contains(tag), () -> tag + " missing in " + tags);
            }
        }

        // a device that pinned root v1 walks to root v2 and installs the newest release of the channel
        Path device = dir.resolve("device");
        ok("trust", "bootstrap", rootV1.toString(), "--install-root", device.toString());
        ok("pull", repo + ":stable", "--target", "t", "--install-root", device.toString(), "--plain-http");
        assertArrayEquals(Files.readAllBytes(v120), Files.readAllBytes(device.resolve("current/app")));
        assertEquals(2, Metadata.root(Files.readAllBytes(device.resolve(".updater/tuf/root.json"))).signed()
                .version());

        // an older timestamp put back under its tag is a rollback: refused, nothing installed
        byte[] currentTimestamp = manifestBytes(repo, "tuf-timestamp");
        pushManifest(repo, olderTimestamp, "tuf-timestamp");
        CliRunner.Result rollback = CliRunner.run("pull", repo + ":1.1.0", "--target", "t", "--install-root",
                device.toString(), "--plain-http", "--allow-downgrade");
        assertEquals(ExitCode.VERIFICATION, rollback.exitCode(), rollback::toString);
        assertEquals(Path.of("versions/1.2.0"), Files.readSymbolicLink(device.resolve("current")));
        pushManifest(repo, currentTimestamp, "tuf-timestamp");

        // tags moved to an older release, and an unsigned release pushed to the channel: nothing a device installs
        // changes
        try (ReleaseStore store = ReleaseStores.open(StoreReference.parse(repo),
                ReleaseStores.Options.defaults().withPlainHttp(true))) {
            byte[] old = store.fetchManifest("1.0.0").bytes();
            store.pushManifest(old, MediaTypes.OCI_MANIFEST, "stable");
            store.pushManifest(old, MediaTypes.OCI_MANIFEST, "1.2.0");
        }
        Path fresh = dir.resolve("fresh");
        ok("trust", "bootstrap", rootV1.toString(), "--install-root", fresh.toString());
        ok("pull", repo + ":stable", "--target", "t", "--install-root", fresh.toString(), "--plain-http");
        assertArrayEquals(Files.readAllBytes(v120), Files.readAllBytes(fresh.resolve("current/app")));
        Path byVersion = dir.resolve("by-version");
        ok("trust", "bootstrap", rootV1.toString(), "--state-dir", byVersion.toString());
        ok("pull", repo + ":1.2.0", "--target", "t", "--output", dir.resolve("out-1.2.0").toString(), "--state-dir",
                byVersion.toString(), "--plain-http");
        assertArrayEquals(Files.readAllBytes(v120), Files.readAllBytes(dir.resolve("out-1.2.0")));
        // without trust the moved tag would have given 1.0.0: the attack is real
        ok("pull", repo + ":1.2.0", "--target", "t", "--output", dir.resolve("untrusted").toString(), "--state-dir",
                dir.resolve("no-trust").toString(), "--plain-http");
        assertArrayEquals(Files.readAllBytes(v100), Files.readAllBytes(dir.resolve("untrusted")));

        // no --trust-keys (a push with write access alone can do this): moves 'stable' to an unsigned release
        push(repo, "9.0.0", 9, with(http, "--no-trust"));
        ok("pull", repo + ":stable", "--target", "t", "--install-root", device.toString(), "--plain-http");
        assertEquals(Path.of("versions/1.2.0"), Files.readSymbolicLink(device.resolve("current")));
        CliRunner.Result unsigned = CliRunner.run("pull", repo + ":9.0.0", "--target", "t", "--install-root",
                fresh.toString(), "--plain-http");
        assertEquals(ExitCode.NOT_FOUND, unsigned.exitCode(), unsigned::toString);
        assertTrue(unsigned.err().contains("tags are not trusted"), unsigned::toString);
        assertFalse(Files.exists(fresh.resolve("versions/9.0.0")));
        assertArrayEquals(Files.readAllBytes(v120), Files.readAllBytes(fresh.resolve("current/app")));

        // the timestamp job stops: once its last timestamp expired, devices refuse and say what the publisher must do
        ok(with(new String[] {"trust", "timestamp", "--expires", "PT2S"}, trust));
        Instant expires = Metadata.timestamp(Files.readAllBytes(work.resolve("metadata/timestamp.json"))).signed()
                .expires();
        while (!Instant.now().isAfter(expires)) Thread.sleep(200);
        Path late = dir.resolve("late");
        ok("trust", "bootstrap", rootV1.toString(), "--install-root", late.toString());
        CliRunner.Result expired = CliRunner.run("pull", repo + ":stable", "--target", "t", "--install-root",
                late.toString(), "--plain-http");
        assertEquals(ExitCode.VERIFICATION, expired.exitCode(), expired::toString);
        assertTrue(expired.err().contains("update trust timestamp"), expired::toString);
        assertFalse(Files.exists(late.resolve("current")));
        CliRunner.Result expiredFile = CliRunner.run("pull", repo + ":1.1.0", "--target", "t", "--output",
                dir.resolve("late-file").toString(), "--state-dir", byVersion.toString(), "--plain-http");
        assertEquals(ExitCode.VERIFICATION, expiredFile.exitCode(), expiredFile::toString);
        assertFalse(Files.exists(dir.resolve("late-file")));

        // the scheduled job runs again (from an empty working copy): devices update again
        ok("trust", "timestamp", "--registry", repo, "--repo", dir.resolve("ci-job").toString(), "--keys",
                keys.toString(), "--plain-http");
        ok("pull", repo + ":stable", "--target", "t", "--install-root", late.toString(), "--plain-http");
        assertArrayEquals(Files.readAllBytes(v120), Files.readAllBytes(late.resolve("current/app")));
    }

    private static byte[] manifestBytes(String repo, String tag) {
        try (ReleaseStore store = ReleaseStores.open(StoreReference.parse(repo),
                ReleaseStores.Options.defaults().withPlainHttp(true))) {
            return store.fetchManifest(tag).bytes();
        }
    }

    private static void pushManifest(String repo, byte[] bytes, String tag) {
        try (ReleaseStore store = ReleaseStores.open(StoreReference.parse(repo),
                ReleaseStores.Options.defaults().withPlainHttp(true))) {
            store.pushManifest(bytes, MediaTypes.OCI_MANIFEST, tag);
        }
    }

    @Test
    void layoutRepositoryCarriesTrustToo() throws Exception {
        String layout = "oci:" + dir.resolve("releases");
        Path keys = dir.resolve("keys");
        Path work = dir.resolve("work");
        ok("trust", "init", "--registry", layout, "--repo", work.toString(), "--keys", keys.toString());
        String[] signed = {"--trust-keys", keys.toString(), "--product", "fw"};
        Path v1 = push(layout, "1.0.0", 11, signed);
        Path v2 = push(layout, "2.0.0+build.7", 12, signed);
        try (ReleaseStore store = ReleaseStores.open(StoreReference.parse(layout), ReleaseStores.Options.defaults())) {
            store.pushManifest(store.fetchManifest("1.0.0").bytes(), MediaTypes.OCI_MANIFEST, "stable");
            assertTrue(store.listTags().contains(OciMetadataLayout.tagFor("targets",
                    java.util.OptionalLong.of(3))));
        }
        Path state = dir.resolve("state");
        ok("trust", "bootstrap", work.resolve("metadata/1.root.json").toString(), "--state-dir", state.toString());
        ok("pull", layout + ":stable", "--target", "t", "--output", dir.resolve("out").toString(), "--state-dir",
                state.toString(), "--product", "fw", "--tuf");
        assertArrayEquals(Files.readAllBytes(v2), Files.readAllBytes(dir.resolve("out")));
        ok("pull", layout + ":2.0.0_build.7", "--target", "t", "--output", dir.resolve("out2").toString(),
                "--state-dir", state.toString(), "--product", "fw");
        assertArrayEquals(Files.readAllBytes(v2), Files.readAllBytes(dir.resolve("out2")));
        ok("pull", layout + ":1.0.0", "--target", "t", "--output", dir.resolve("out1").toString(),
                "--state-dir", state.toString(), "--product", "fw");
        assertArrayEquals(Files.readAllBytes(v1), Files.readAllBytes(dir.resolve("out1")));
        // the default product is the repository's name ('releases'), which has no signed targets here
        CliRunner.Result wrongProduct = CliRunner.run("pull", layout + ":stable", "--target", "t", "--output",
                dir.resolve("out3").toString(), "--state-dir", state.toString());
        assertEquals(ExitCode.NOT_FOUND, wrongProduct.exitCode(), wrongProduct::toString);
        // metadata tags are neither channels in listings nor usable as channels
        CliRunner.Result versions = ok("versions", layout, "--json");
        assertTrue(versions.out().contains("\"channels\":[\"stable\"]"), versions::toString);
        CliRunner.Result clobber = CliRunner.run("push", layout, "--version", "3.0.0", "--target", "t=" + v2,
                "--channel", "tuf-timestamp");
        assertEquals(ExitCode.USAGE, clobber.exitCode(), clobber::toString);
        // a forged targets file under the current tag is never re-signed by the next push: refused before upload
        try (ReleaseStore store = ReleaseStores.open(StoreReference.parse(layout), ReleaseStores.Options.defaults())) {
            String tag = OciMetadataLayout.tagFor("targets", java.util.OptionalLong.of(3));
            byte[] genuine = new dev.updater.tuf.OciMetadataFetcher(store).fetchMetadata("targets",
                    java.util.OptionalLong.of(3), 1_000_000);
            byte[] forged = new String(genuine, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("fw/1.0.0", "fw/6.6.6").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            store.pushBlob(OciMetadataLayout.layerFor(forged), dev.updater.registry.BlobSource.of(forged));
            store.pushManifest(OciMetadataLayout.manifestFor("targets", forged).toBytes(), MediaTypes.OCI_MANIFEST,
                    tag);
            CliRunner.Result refused = CliRunner.run("push", layout, "--version", "4.0.0", "--target", "t=" + v2,
                    "--trust-keys", keys.toString(), "--product", "fw", "--delta-from", "0");
            assertEquals(ExitCode.STATE, refused.exitCode(), refused::toString);
            assertTrue(refused.err().contains("does not verify"), refused::toString);
            assertFalse(store.listTags().contains("4.0.0"), "nothing uploaded");
            assertFalse(store.listTags().contains(OciMetadataLayout.tagFor("targets", java.util.OptionalLong.of(4))));
        }
        // --tuf without a pinned root refuses rather than trusting the tag
        CliRunner.Result notPinned = CliRunner.run("pull", layout + ":stable", "--target", "t", "--output",
                dir.resolve("out4").toString(), "--state-dir", dir.resolve("empty").toString(), "--tuf");
        assertEquals(ExitCode.USAGE, notPinned.exitCode(), notPinned::toString);
        assertFalse(Files.exists(dir.resolve("out4")));
    }
}
