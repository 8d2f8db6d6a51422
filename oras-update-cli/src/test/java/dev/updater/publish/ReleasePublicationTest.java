package dev.updater.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.cli.CliRunner;
import dev.updater.cli.ExitCode;
import dev.updater.registry.BlobSource;
import dev.updater.registry.RangedStream;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.VerifiedManifest;
import dev.updater.release.ReleaseReader;
import dev.updater.schema.Digest;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.SemVer;
import dev.updater.signing.KeyAlgorithm;
import dev.updater.signing.SignatureEndorsement;
import dev.updater.signing.SigningKey;
import dev.updater.tuf.TrustEndorsement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push is one transaction: keys, trust and channels are checked before anything is uploaded, and the version and
 * channel tags move only after the release's signature and TUF entries exist — also when the push dies at any step.
 */
class ReleasePublicationTest {
    @TempDir
    Path dir;
    Path layoutDir;
    String layout;
    Path trustKeys;

    @BeforeEach
    void trustedLayoutWithOneRelease() throws IOException {
        layoutDir = dir.resolve("releases");
        layout = "oci:" + layoutDir;
        trustKeys = dir.resolve("trust-keys");
        ok("trust", "init", "--registry", layout, "--repo", dir.resolve("work").toString(), "--keys",
                trustKeys.toString());
        ok("push", layout, "--version", "1.0.0", "--target", "t=" + payload("one"), "--channel", "stable",
                "--trust-keys", trustKeys.toString(), "--product", "fw", "--quiet");
    }

    @Test
    void tagsMoveOnlyAfterTheSignatureAndTheTrustEntriesWhereverThePushDies() throws IOException {
        SigningKey key = SigningKey.generate(KeyAlgorithm.ECDSA_P256);
        Path file = payload("two");
        List<String> completeRun = null;
        for (int failAt = 1; ; failAt++) {
            Path copy = copyOfLayout("try-" + failAt);
            try (RecordingStore store = new RecordingStore(open(copy), failAt)) {
                try {
                    publish(store, key, file);
                } catch (Killed expected) {
                    // the push "died" at its failAt-th write
                }
                if (!store.killed) {
                    completeRun = store.writes;
                    break;
                }
                // tags cannot move together; what matters is that none points at an unsigned, unregistered release
                boolean endorsed = store.writes.stream().anyMatch(w -> w.endsWith(".sig"))
                        && store.writes.contains("manifest tuf-timestamp");
                if (!endorsed) {
                    assertEquals("1.0.0", channelVersion(copy, "stable"), "a dead push moved stable: " + store.writes);
                    assertFalse(open(copy).listTags().contains("2.0.0"), "a dead push tagged 2.0.0: " + store.writes);
                }
            }
        }
        // the complete run: every tag write comes after the signature tag and the new timestamp
        int signature = indexOf(completeRun, w -> w.endsWith(".sig"));
        int timestamp = indexOf(completeRun, w -> w.equals("manifest tuf-timestamp"));
        int version = indexOf(completeRun, w -> w.equals("manifest 2.0.0"));
        int channel = indexOf(completeRun, w -> w.equals("manifest stable"));
        assertTrue(signature >= 0 && timestamp >= 0 && version > signature && version > timestamp
                && channel > signature && channel > timestamp, completeRun::toString);
        assertTrue(completeRun.size() > 8, "the kill test covered every write: " + completeRun);
    }

    @Test
    void wrongTrustKeysOrSigningKeyUploadNothingAndMoveNoTag() throws IOException {
        List<Path> before = filesOf(layoutDir);
        Path otherKeys = dir.resolve("other-keys");
        ok("trust", "init", "--registry", "oci:" + dir.resolve("other"), "--repo", dir.resolve("other-work").toString(),
                "--keys", otherKeys.toString());
        CliRunner.Result wrongTrust = CliRunner.run("push", layout, "--version", "2.0.0", "--target", "t="
                + payload("two"), "--channel", "stable", "--trust-keys", otherKeys.toString(), "--product", "fw");
        assertEquals(ExitCode.USAGE, wrongTrust.exitCode(), wrongTrust::toString);
        assertTrue(wrongTrust.err().contains("is not a targets key") && wrongTrust.err().contains("nothing was "
                + "uploaded"), wrongTrust::toString);
        assertEquals(before, filesOf(layoutDir), "a push with the wrong trust keys changed the layout");

        CliRunner.Result badKey = CliRunner.run("push", layout, "--version", "2.0.0", "--target", "t="
                + payload("two"), "--channel", "stable", "--trust-keys", trustKeys.toString(), "--product", "fw",
                "--key", dir.resolve("missing.key").toString());
        assertEquals(ExitCode.USAGE, badKey.exitCode(), badKey::toString);
        assertEquals(before, filesOf(layoutDir), "a push with a missing signing key changed the layout");
    }

    @Test
    void aRepositoryWithTrustNeedsTrustKeysOrNoTrust() throws IOException {
        List<Path> before = filesOf(layoutDir);
        String[] push = {"push", layout, "--version", "2.0.0", "--target", "t=" + payload("two"), "--product", "fw",
            "--channel", "beta", "--quiet"};
        CliRunner.Result refused = CliRunner.run(push);
        assertEquals(ExitCode.STATE, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("--trust-keys") && refused.err().contains("--no-trust"), refused::toString);
        assertEquals(before, filesOf(layoutDir));
        ok(with(push, "--no-trust"));
        assertEquals("2.0.0", channelVersion(layoutDir, "beta"));
    }

    @Test
    void reservedTagsAreNoChannels() throws IOException {
        String signatureTag = "sha256-" + "a".repeat(64) + ".sig";
        for (String channel : List.of(signatureTag, "sha256-" + "b".repeat(64), "tuf-timestamp", "tuf-anything",
                "3.0.0")) {
            CliRunner.Result r = CliRunner.run("push", layout, "--version", "2.0.0", "--target", "t=" + payload("x"),
                    "--channel", channel, "--trust-keys", trustKeys.toString(), "--product", "fw");
            assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
            assertTrue(r.err().contains("cannot be used"), r::toString);
        }
        assertFalse(open(layoutDir).listTags().contains("2.0.0"));
    }

    @Test
    void aChannelMovesToALowerVersionOnlyWhenAllowed() throws IOException {
        String[] trusted = {"--trust-keys", trustKeys.toString(), "--product", "fw", "--quiet", "--delta-from", "0"};
        ok(with(new String[] {"push", layout, "--version", "2.0.0", "--target", "t=" + payload("two"), "--channel",
            "stable"}, trusted));
        List<Path> before = filesOf(layoutDir);
        String[] older = with(new String[] {"push", layout, "--version", "1.5.0", "--target", "t=" + payload("1.5"),
            "--channel", "stable"}, trusted);
        CliRunner.Result refused = CliRunner.run(older);
        assertEquals(ExitCode.STATE, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("--allow-channel-downgrade"), refused::toString);
        assertEquals(before, filesOf(layoutDir), "a refused downgrade uploaded something");
        assertEquals("2.0.0", channelVersion(layoutDir, "stable"));

        CliRunner.Result rePush = CliRunner.run(with(new String[] {"push", layout, "--version", "1.0.0", "--target",
            "t=" + payload("one"), "--channel", "stable"}, trusted));
        assertEquals(ExitCode.STATE, rePush.exitCode(), "re-pushing an older version moved stable back: " + rePush);

        ok(with(older, "--allow-channel-downgrade"));
        assertEquals("1.5.0", channelVersion(layoutDir, "stable"));
    }

    private void publish(ReleaseStore store, SigningKey key, Path file) {
        PublishRequest request = new PublishRequest("fw", SemVer.parse("2.0.0"), Map.of("t", file),
                List.of("stable"), Instant.parse("2026-01-01T00:00:00Z"), Optional.empty(), Optional.empty(),
                DeltaOptions.NONE, 0);
        List<ReleasePublication.Endorsement> endorsements = List.of(
                new SignatureEndorsement(store, "example/fw", key),
                new TrustEndorsement(store, trustKeys, Optional.empty(), request.channels()));
        new ReleasePublication(store, dev.updater.registry.TransferListener.NONE)
                .publish(request, ReleasePublication.Policy.DEFAULT, endorsements);
    }

    private String channelVersion(Path layoutRoot, String channel) {
        try (ReleaseStore store = open(layoutRoot)) {
            return ReleaseReader.read(store, channel).update().version().toString();
        }
    }

    private static ReleaseStore open(Path layoutRoot) {
        return ReleaseStores.openForPush(StoreReference.parse("oci:" + layoutRoot), ReleaseStores.Options.defaults());
    }

    private Path copyOfLayout(String name) throws IOException {
        Path copy = dir.resolve(name);
        try (Stream<Path> walk = Files.walk(layoutDir)) {
            for (Path p : walk.toList()) {
                Path target = copy.resolve(layoutDir.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target); else Files.copy(p, target);
            }
        }
        return copy;
    }

    private static List<Path> filesOf(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    private Path payload(String text) throws IOException {
        Path file = dir.resolve("payload-" + text + ".bin");
        Files.writeString(file, "payload " + text + "\n".repeat(100));
        return file;
    }

    private static int indexOf(List<String> list, java.util.function.Predicate<String> p) {
        for (int i = 0; i < list.size(); i++) if (p.test(list.get(i))) return i;
        return -1;
    }

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

    /** Thrown by {@link RecordingStore} in place of the write it was told to die at. */
    static final class Killed extends RuntimeException {
        Killed(String write) {
            super("killed before " + write);
        }
    }

    /** A store that records every write and dies (throws {@link Killed}) at its {@code failAt}-th one. */
    static final class RecordingStore implements ReleaseStore {
        final ReleaseStore inner;
        final int failAt;
        final List<String> writes = new ArrayList<>();
        boolean killed;

        RecordingStore(ReleaseStore inner, int failAt) {
            this.inner = inner;
            this.failAt = failAt;
        }

        private void write(String what) {
            if (writes.size() + 1 == failAt) {
                killed = true;
                throw new Killed(what);
            }
            writes.add(what);
        }

        @Override public String describe() { return inner.describe(); }
        @Override public OciDescriptor resolve(String ref) { return inner.resolve(ref); }
        @Override public VerifiedManifest fetchManifest(String ref) { return inner.fetchManifest(ref); }
        @Override public InputStream openBlob(OciDescriptor blob) { return inner.openBlob(blob); }
        @Override public RangedStream openBlobFrom(OciDescriptor blob, long offset) {
            return inner.openBlobFrom(blob, offset);
        }
        @Override public boolean hasBlob(Digest digest) { return inner.hasBlob(digest); }
        @Override public List<String> listTags() { return inner.listTags(); }
        @Override public void close() { inner.close(); }

        @Override
        public void pushBlob(OciDescriptor blob, BlobSource source) {
            write("blob " + blob.digest());
            inner.pushBlob(blob, source);
        }

        @Override
        public Digest pushManifest(byte[] bytes, String mediaType, String tagOrDigest) {
            write("manifest " + tagOrDigest);
            return inner.pushManifest(bytes, mediaType, tagOrDigest);
        }

        @Override
        public void deleteManifest(Digest digest) {
            write("delete " + digest);
            inner.deleteManifest(digest);
        }
    }
}
