package dev.updater.cli;

import static dev.updater.cli.RolloutRegistryTest.json;
import static dev.updater.cli.RolloutRegistryTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.BlobSource;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.rollout.PolicyArtifact;
import dev.updater.schema.Digest;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import dev.updater.rollout.DeviceId;
import dev.updater.rollout.RolloutEligibility;
import dev.updater.rollout.RolloutPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rollouts on an OCI layout (no registry, no TUF, no keys), and the usage errors of the new commands. */
class RolloutLayoutTest {
    @TempDir
    Path dir;

    @Test
    void a_salted_rollout_on_a_layout_admits_the_cohort_of_that_salt() throws Exception {
        String layout = "oci:" + dir.resolve("releases");
        Path file = dir.resolve("app");
        Files.write(file, new byte[] {1, 2, 3});
        ok("push", layout, "--version", "1.0.0", "--target", "t=" + file, "--channel", "stable", "--quiet");
        JsonNode rolled = json(ok("rollout", layout, "--channel", "stable", "--percent", "50", "--salt", "cohort-a",
                "--start", "2020-01-01T00:00:00Z", "--json"));
        assertEquals("cohort-a", rolled.path("rollout").path("salt").asText());
        assertEquals(5000, rolled.path("rollout").path("basisPoints").asInt());
        assertTrue(rolled.path("where").asText().contains("(unsigned)"), rolled::toString);
        RolloutPolicy policy = new RolloutPolicy(50, "cohort-a", Optional.empty());
        int admitted = 0;
        for (int i = 0; i < 40; i++) {
            DeviceId id = new DeviceId("layout-" + i);
            JsonNode check = json(ok("check", layout + ":stable", "--target", "t", "--device-id", id.value(),
                    "--state-dir", dir.resolve("state").toString(), "--json"));
            String expected = RolloutEligibility.admits(policy, id) ? "available" : "not-eligible";
            assertEquals(expected, check.path("status").asText(), check::toString);
            if (expected.equals("available")) admitted++;
        }
        assertTrue(admitted > 5 && admitted < 35, "admitted " + admitted + " of 40 at 50 %");

        // a start in the future holds everyone back until then
        ok("rollout", layout, "--channel", "stable", "--percent", "100", "--start", "2999-01-01T00:00:00Z");
        JsonNode later = json(ok("check", layout + ":stable", "--target", "t", "--device-id", "layout-0",
                "--state-dir", dir.resolve("state").toString(), "--json"));
        assertEquals("not-eligible", later.path("status").asText(), later::toString);
        assertTrue(later.path("reason").asText().contains("starts at 2999-01-01T00:00:00Z"), later::toString);
        // a push can start its channel as a staged rollout: the policy is in place before the tag moves
        Path file2 = dir.resolve("app2");
        Files.write(file2, new byte[] {7, 8, 9});
        ok("push", layout, "--version", "1.1.0", "--target", "t=" + file2, "--channel", "stable", "--percent", "0",
                "--quiet");
        JsonNode halted = json(ok("check", layout + ":stable", "--target", "t", "--device-id", "layout-0",
                "--state-dir", dir.resolve("state").toString(), "--json"));
        assertEquals("1.1.0", halted.path("candidateVersion").asText(), halted::toString);
        assertEquals("not-eligible", halted.path("status").asText(), halted::toString);
        // a version pull has no channel, so no rollout
        JsonNode byVersion = json(ok("check", layout + ":1.0.0", "--target", "t", "--device-id", "layout-0",
                "--state-dir", dir.resolve("state").toString(), "--json"));
        assertEquals("available", byVersion.path("status").asText(), byVersion::toString);
    }

    @Test
    void a_policy_artifact_that_is_malformed_or_for_another_release_is_ignored_with_a_warning() throws Exception {
        String layout = "oci:" + dir.resolve("releases");
        Path file = dir.resolve("app");
        Files.write(file, new byte[] {4, 5, 6});
        ok("push", layout, "--version", "1.0.0", "--target", "t=" + file, "--channel", "stable", "--quiet");
        String state = dir.resolve("state").toString();
        try (ReleaseStore store = ReleaseStores.open(StoreReference.parse(layout), ReleaseStores.Options.defaults())) {
            Digest release = store.resolve("stable").digest();
            Digest other = Digest.of(new byte[] {9});
            for (byte[] document : new byte[][] {
                new PolicyArtifact(other, Map.of("stable", new RolloutPolicy(100, "s", Optional.empty())))
                        .documentBytes(),
                "{\"release\": \"\u001b[31mnot a digest\", \"channels\": {}}".getBytes(StandardCharsets.UTF_8)}) {
                OciDescriptor layer = new OciDescriptor(PolicyArtifact.ARTIFACT_TYPE, Digest.of(document),
                        document.length);
                store.pushBlob(layer, BlobSource.of(document));
                byte[] empty = "{}".getBytes(StandardCharsets.US_ASCII);
                store.pushBlob(new OciDescriptor(MediaTypes.OCI_EMPTY, Digest.of(empty), empty.length),
                        BlobSource.of(empty));
                byte[] manifest = new ImageManifest(Optional.of(PolicyArtifact.ARTIFACT_TYPE), new OciDescriptor(
                        MediaTypes.OCI_EMPTY, Digest.of(empty), empty.length), List.of(layer), Optional.empty(),
                        Map.of()).toBytes();
                store.pushManifest(manifest, MediaTypes.OCI_MANIFEST, PolicyArtifact.tagFor(release));
                CliRunner.Result r = ok("check", layout + ":stable", "--target", "t", "--device-id", "d-1",
                        "--state-dir", state, "--json");
                assertEquals("not-eligible", json(r).path("status").asText(), r::toString);
                assertTrue(r.err().contains("update: warning: the rollout policy of 1.0.0 is ignored"), r::toString);
                assertFalse(r.err().contains("\u001b") || r.out().contains("\u001b"), r::toString);
            }
        }
    }

    @Test
    void bad_rollout_requests_are_usage_errors_before_anything_is_written() throws Exception {
        String layout = "oci:" + dir.resolve("none");
        Files.write(dir.resolve("x"), new byte[] {1});
        for (String[] args : new String[][] {
            {"rollout", layout, "--channel", "stable", "--percent", "101"},
            {"rollout", layout, "--channel", "stable", "--percent", "12.345"},
            {"rollout", layout, "--channel", "stable", "--percent", "5", "--start", "tomorrow"},
            {"rollout", layout, "--channel", "tuf-x", "--percent", "5"},
            {"rollout", layout + ":stable", "--channel", "stable", "--percent", "5"},
            {"rollout", layout, "--channel", "stable"},
            {"promote", layout + ":stable", "--channel", "beta"},
            {"promote", layout + ":1.0.0", "--channel", "beta", "--salt", "s"},
            {"push", layout, "--version", "1.0.0", "--target", "t=" + dir.resolve("x"), "--percent", "5"},
            {"check", layout + ":stable", "--target", "t", "--device-id", "bad id"},
            {"check", layout + ":stable", "--target", "t", "--install-root", dir.toString(), "--state-dir",
                dir.toString()}}) {
            CliRunner.Result r = CliRunner.run(args);
            assertEquals(ExitCode.USAGE, r.exitCode(), () -> String.join(" ", args) + "\n" + r);
            if (args[0].equals("push")) assertTrue(r.err().contains("give --channel too"), r::toString);
        }
        assertTrue(Files.notExists(dir.resolve("none")), "nothing was created");
    }
}
