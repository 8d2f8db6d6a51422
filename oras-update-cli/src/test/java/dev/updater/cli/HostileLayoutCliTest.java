package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real release pushed to an OCI layout, then the layout damaged on disk: {@code pull}, {@code inspect} and
 * {@code versions} end in exit 4 with a message naming the problem, at once (no retries, no hang, no memory
 * exhaustion), writing nothing; tags the damage does not touch keep working.
 */
class HostileLayoutCliTest {
    @TempDir
    Path dir;
    String layout;
    LayoutFixture files;
    Path out;
    Path payload;

    @BeforeEach
    void pushTwoReleases() throws Exception {
        layout = "oci:" + dir.resolve("layout");
        files = new LayoutFixture(dir.resolve("layout"));
        out = dir.resolve("out/app");
        for (String version : new String[] {"1.0.0", "2.0.0"}) {
            byte[] bytes = new byte[20_000];
            new Random(version.hashCode()).nextBytes(bytes);
            payload = Files.write(dir.resolve("app-" + version), bytes);
            ok("push", layout, "--version", version, "--target", "t=" + payload, "--delta-from", "0", "--quiet");
        }
    }

    private static CliRunner.Result ok(String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(ExitCode.OK, r.exitCode(), r::toString);
        return r;
    }

    private CliRunner.Result pull(String tag) {
        return CliRunner.run("pull", layout + ":" + tag, "--target", "t", "--output", out.toString(), "--state-dir",
                dir.resolve("state").toString(), "--quiet");
    }

    /** Exit 4, each phrase in stderr, no raw control character in it, and no output file. */
    private void refused(CliRunner.Result r, String... phrases) {
        assertEquals(ExitCode.VERIFICATION, r.exitCode(), r::toString);
        for (String phrase : phrases) {
            assertTrue(r.err().contains(phrase), () -> "'" + phrase + "' missing:\n" + r);
        }
        assertFalse(r.err().chars().anyMatch(c -> c < 0x20 && c != '\n'), r::toString);
        assertFalse(Files.exists(out), "no output file");
    }

    private Digest payloadDigest(String tag) throws Exception {
        ObjectNode update = (ObjectNode) dev.updater.schema.Json.parse(files.read(files.configDigest(tag)), "u");
        return Digest.parse(update.get("targets").get("t").get("digest").asText());
    }

    @Test
    void anIndexLinkedToDevZeroIsRefusedByEveryCommand() throws Exception {
        Path index = dir.resolve("layout/index.json");
        Files.delete(index);
        Files.createSymbolicLink(index, Path.of("/dev/zero"));
        refused(pull("1.0.0"), "index.json is a special file");
        refused(CliRunner.run("inspect", layout + ":1.0.0"), "index.json is a special file");
        refused(CliRunner.run("versions", layout), "index.json is a special file");
    }

    @Test
    void aSparseThreeGigabyteIndexIsRefusedWithoutReadingIt() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("layout/index.json").toFile(), "rw")) {
            f.setLength(3L << 30);
        }
        refused(pull("1.0.0"), "index.json is 3221225472 bytes, over the limit");
        refused(CliRunner.run("versions", layout), "over the limit");
    }

    @Test
    void aBlankMediaTypeInOneIndexEntryLeavesTheOtherTagsUsable() throws Exception {
        ObjectNode index = files.index();
        ObjectNode entry = files.entry(index, "2.0.0");
        entry.put("mediaType", " ");
        files.writeIndex(index);
        int at = 0;
        while (index.get("manifests").get(at) != entry) at++;
        String field = "manifests[" + at + "]";
        CliRunner.Result versions = ok("versions", layout);
        assertEquals("1.0.0", versions.out().strip(), versions::toString);
        assertTrue(versions.err().contains("warning: skipped index.json entry " + field + " (tag '2.0.0')"),
                versions::toString);
        assertTrue(versions.err().contains(field + ".mediaType"), versions::toString);
        refused(pull("2.0.0"), field + ".mediaType", "empty media type");
        refused(CliRunner.run("inspect", layout + ":2.0.0"), field + ".mediaType");
        ok("pull", layout + ":1.0.0", "--target", "t", "--output", out.toString(), "--quiet");
        assertTrue(Files.exists(out));
    }

    @Test
    void aBlankMediaTypeInTheReleaseManifestIsAVerificationFailure() throws Exception {
        ObjectNode manifest = files.manifest("1.0.0");
        ((ObjectNode) manifest.get("layers").get(0)).put("mediaType", "");
        files.replaceBlob(files.manifestDigest("1.0.0"), dev.updater.schema.Json.write(manifest));
        refused(CliRunner.run("inspect", layout + ":1.0.0"), "layers[0].mediaType", "empty media type");
        refused(pull("1.0.0"), "layers[0].mediaType");
    }

    @Test
    void aTruncatedPayloadIsAVerificationFailureAtOnceNotANetworkOne() throws Exception {
        Path blob = files.blob(payloadDigest("1.0.0"));
        Files.write(blob, java.util.Arrays.copyOf(Files.readAllBytes(blob), 12_345));
        long start = System.nanoTime();
        refused(pull("1.0.0"), "is 12345 bytes, its descriptor says 20000");
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "no retries");
        Files.write(blob, new byte[30_000]);
        refused(pull("1.0.0"), "is 30000 bytes, its descriptor says 20000");
    }

    @Test
    void aPayloadThatIsAFifoIsRefusedWithoutOpeningIt() throws Exception {
        Path blob = files.blob(payloadDigest("1.0.0"));
        Files.delete(blob);
        Process mkfifo = new ProcessBuilder("mkfifo", blob.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> refused(pull("1.0.0"), "is a special file"));
        Files.delete(blob);
        Files.createSymbolicLink(blob, Path.of("/dev/zero"));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> refused(pull("1.0.0"), "is a symbolic link"));
    }

    @Test
    void hostileTagsAndMediaTypesAreEscapedInMessages() throws Exception {
        ObjectNode index = files.index();
        ObjectNode copy = files.entry(index, "1.0.0").deepCopy();
        ((ObjectNode) copy.get("annotations")).put("org.opencontainers.image.ref.name", "evil\u001b[2J\u0007");
        ObjectNode weird = files.entry(index, "1.0.0").deepCopy();
        ((ObjectNode) weird.get("annotations")).put("org.opencontainers.image.ref.name", "weird");
        weird.put("mediaType", "application/x\u001b]0;owned\u0007");
        ((com.fasterxml.jackson.databind.node.ArrayNode) index.get("manifests")).add(copy).add(weird);
        files.writeIndex(index);
        CliRunner.Result missing = pull("nope");
        assertEquals(ExitCode.NOT_FOUND, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("evil\\u001b[2J\\u0007"), missing::toString);
        assertFalse(missing.err().chars().anyMatch(c -> c < 0x20 && c != '\n'), missing::toString);
        CliRunner.Result wrongType = CliRunner.run("inspect", layout + ":weird");
        refused(wrongType, "application/x\\u001b]0;owned\\u0007");
    }

    @Test
    void annotationsAreEscapedWhenInspectShowsThem() throws Exception {
        ObjectNode manifest = files.manifest("1.0.0");
        ((ObjectNode) manifest.get("annotations")).put("org.opencontainers.image.version", "1\u001b[2J\u202e");
        files.replaceBlob(files.manifestDigest("1.0.0"), dev.updater.schema.Json.write(manifest));
        CliRunner.Result r = ok("inspect", layout + ":1.0.0");
        assertTrue(r.out().contains("org.opencontainers.image.version = 1\\u001b[2J\\u202e"), r::toString);
        assertFalse(LayoutFuzzTest.hasControlCharacters(r.out()), r::toString);
    }

    @Test
    void aDamagedSecondTagOnASignedReleaseLeavesItsGoodTagPullableWithTheKey() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "pw\n");
        String key = dir.resolve("signer").toString();
        ok("keygen", "--output-prefix", key, "--password-file", password.toString());
        ok("sign", layout + ":1.0.0", "--key", key + ".key", "--password-file", password.toString());
        ObjectNode index = files.index();
        ObjectNode second = files.entry(index, "1.0.0").deepCopy();
        ((ObjectNode) second.get("annotations")).put("org.opencontainers.image.ref.name", "stable");
        second.put("mediaType", "");
        ((com.fasterxml.jackson.databind.node.ArrayNode) index.get("manifests")).add(second);
        files.writeIndex(index);
        ok("pull", layout + ":1.0.0", "--target", "t", "--output", out.toString(), "--key", key + ".pub", "--quiet");
        Files.delete(out);
        refused(CliRunner.run("pull", layout + ":stable", "--target", "t", "--output", out.toString(), "--key",
                key + ".pub"), "(tag 'stable')", "mediaType");
    }

    @Test
    void aReleaseWhoseConfigIsAnotherManifestIsAVerificationFailure() throws Exception {
        // a manifest cannot name its own digest; the nearest loop is a config that is the previous release manifest
        Digest other = files.manifestDigest("2.0.0");
        ObjectNode manifest = files.manifest("1.0.0");
        ((ObjectNode) manifest.get("config")).put("digest", other.toString()).put("size", files.read(other).length);
        files.replaceBlob(files.manifestDigest("1.0.0"), dev.updater.schema.Json.write(manifest));
        refused(CliRunner.run("inspect", layout + ":1.0.0"), "the update manifest " + other + " of release",
                "is malformed: invalid field 'schemaVersion'");
        refused(pull("1.0.0"), "the update manifest " + other);
    }
}
