package dev.updater.cli;

import static dev.updater.cli.RolloutRegistryTest.json;
import static dev.updater.cli.RolloutRegistryTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
        // a version pull has no channel, so no rollout
        JsonNode byVersion = json(ok("check", layout + ":1.0.0", "--target", "t", "--device-id", "layout-0",
                "--state-dir", dir.resolve("state").toString(), "--json"));
        assertEquals("available", byVersion.path("status").asText(), byVersion::toString);
    }

    @Test
    void bad_rollout_requests_are_usage_errors_before_anything_is_written() {
        String layout = "oci:" + dir.resolve("none");
        for (String[] args : new String[][] {
            {"rollout", layout, "--channel", "stable", "--percent", "101"},
            {"rollout", layout, "--channel", "stable", "--percent", "12.345"},
            {"rollout", layout, "--channel", "stable", "--percent", "5", "--start", "tomorrow"},
            {"rollout", layout, "--channel", "tuf-x", "--percent", "5"},
            {"rollout", layout + ":stable", "--channel", "stable", "--percent", "5"},
            {"rollout", layout, "--channel", "stable"},
            {"promote", layout + ":stable", "--channel", "beta"},
            {"promote", layout + ":1.0.0", "--channel", "beta", "--salt", "s"},
            {"check", layout + ":stable", "--target", "t", "--device-id", "bad id"},
            {"check", layout + ":stable", "--target", "t", "--install-root", dir.toString(), "--state-dir",
                dir.toString()}}) {
            CliRunner.Result r = CliRunner.run(args);
            assertEquals(ExitCode.USAGE, r.exitCode(), () -> String.join(" ", args) + "\n" + r);
        }
        assertTrue(Files.notExists(dir.resolve("none")), "nothing was created");
    }
}
