package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flags that one mode of a command does not use are usage errors (exit 2) naming them, never silently ignored: a
 * user who passes --health-cmd must not believe a health check ran.
 */
class FlagCombinationTest {
    @TempDir
    Path dir;

    private String layout;
    private Path output;
    private Path installRoot;

    @BeforeEach
    void publishOneRelease() throws Exception {
        layout = "oci:" + dir.resolve("layout");
        Path app = dir.resolve("app");
        Files.write(app, new byte[] {1, 2, 3});
        CliRunner.Result pushed = CliRunner.run("push", layout, "--version", "1.0.0", "--target", "linux=" + app);
        assertEquals(0, pushed.exitCode(), pushed::toString);
        output = dir.resolve("out");
        installRoot = dir.resolve("device");
    }

    private CliRunner.Result pullToOutput(String... extra) {
        List<String> args = new ArrayList<>(List.of("pull", layout + ":1.0.0", "--target", "linux", "--output",
                output.toString()));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    private CliRunner.Result pullToRoot(String... extra) {
        List<String> args = new ArrayList<>(List.of("pull", layout + ":1.0.0", "--target", "linux",
                "--install-root", installRoot.toString()));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    private void assertUsage(CliRunner.Result r, String... mustContain) {
        assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
        for (String text : mustContain) {
            assertTrue(r.err().contains(text), () -> "missing '" + text + "' in " + r);
        }
        assertFalse(Files.exists(output), "nothing may be written on a usage error");
        assertFalse(Files.exists(installRoot.resolve("current")), "nothing may be installed on a usage error");
    }

    @Test
    void healthCommandWithOutputIsAUsageError() {
        assertUsage(pullToOutput("--health-cmd", "true"), "--health-cmd", "--output FILE installs nothing");
    }

    @Test
    void outputTogetherWithInstallRootIsAUsageError() {
        assertUsage(pullToOutput("--install-root", installRoot.toString()), "--install-root",
                "--output FILE installs nothing");
        assertFalse(Files.exists(installRoot), "the install root must not even be created");
    }

    @Test
    void everyInstallOnlyOptionWithOutputIsNamed() {
        assertUsage(pullToOutput("--allow-downgrade", "--allow-prerelease", "--retries", "5", "--keep", "1",
                        "--keep-mib", "9", "--lock-timeout", "1", "--health-timeout", "3"),
                "--health-timeout, --allow-downgrade, --allow-prerelease, --retries, --lock-timeout, --keep, --keep-mib");
    }

    @Test
    void baseFileThatDoesNotExistIsAUsageErrorInBothModes() {
        Path missing = dir.resolve("no-such-base");
        assertUsage(pullToOutput("--base", missing.toString()), "--base " + missing, "does not exist");
        assertUsage(pullToRoot("--base", missing.toString()), "--base " + missing, "does not exist");
        assertUsage(pullToOutput("--base", dir.toString()), "--base " + dir, "is not a regular file");
    }

    @Test
    void stateDirWithInstallRootAndHealthTimeoutWithoutHealthCommandAreUsageErrors() {
        assertUsage(pullToRoot("--state-dir", dir.resolve("state").toString()), "--state-dir", "only with --output");
        assertUsage(pullToRoot("--health-timeout", "5"), "--health-timeout", "--health-cmd, which was not given");
    }

    @Test
    void rollbackRefusesOptionsItWouldIgnore() {
        CliRunner.Result r = CliRunner.run("pull", "--rollback", "--install-root", installRoot.toString(),
                "--health-cmd", "true", "--channel", "stable");
        assertUsage(r, "--channel", "--health-cmd", "--rollback");
    }

    @Test
    void pushRefusesMountFromIntoALayoutAndADeltaRatioWithoutDeltas() throws Exception {
        Path app = dir.resolve("app2");
        Files.write(app, new byte[] {4, 5, 6});
        CliRunner.Result mount = CliRunner.run("push", layout, "--version", "2.0.0", "--target", "linux=" + app,
                "--mount-from", "acme/app-staging");
        assertEquals(ExitCode.USAGE, mount.exitCode(), mount::toString);
        assertTrue(mount.err().contains("--mount-from"), mount::toString);
        CliRunner.Result ratio = CliRunner.run("push", layout, "--version", "2.0.0", "--target", "linux=" + app,
                "--delta-from", "0", "--delta-max-ratio", "0.5");
        assertEquals(ExitCode.USAGE, ratio.exitCode(), ratio::toString);
        assertTrue(ratio.err().contains("--delta-max-ratio"), ratio::toString);
        CliRunner.Result compression = CliRunner.run("push", layout, "--version", "2.0.0", "--target",
                "linux=" + app, "--delta-from", "0", "--delta-compression", "xz");
        assertEquals(ExitCode.USAGE, compression.exitCode(), compression::toString);
        assertTrue(compression.err().contains("--delta-compression"), compression::toString);
        CliRunner.Result unknown = CliRunner.run("push", layout, "--version", "2.0.0", "--target", "linux=" + app,
                "--delta-compression", "brotli");
        assertEquals(ExitCode.USAGE, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.err().contains("brotli"), unknown::toString);
        CliRunner.Result versions = CliRunner.run("versions", layout);
        assertFalse(versions.out().contains("2.0.0"), versions::toString);
    }

    @Test
    void registryOnlyFlagsWithALayoutAreUsageErrorsForEveryCommand() {
        for (String flag : new String[] {"--plain-http", "--username=ci"}) {
            for (String[] command : new String[][] {{"versions", layout}, {"inspect", layout + ":1.0.0"},
                    {"pull", layout + ":1.0.0", "--target", "linux", "--output", dir.resolve("o").toString()}}) {
                String[] args = java.util.Arrays.copyOf(command, command.length + 1);
                args[command.length] = flag;
                CliRunner.Result r = CliRunner.run(args);
                assertUsage(r, flag.replace("=ci", ""), "is an OCI layout directory");
            }
        }
        assertFalse(Files.exists(dir.resolve("o")));
    }

    @Test
    void theValidCombinationsStillWork() {
        CliRunner.Result file = pullToOutput("--state-dir", dir.resolve("state").toString());
        assertEquals(0, file.exitCode(), file::toString);
        CliRunner.Result install = pullToRoot("--health-cmd", "true", "--health-timeout", "20", "--retries", "2");
        assertEquals(0, install.exitCode(), install::toString);
        CliRunner.Result back = CliRunner.run("pull", "--rollback", "--install-root", installRoot.toString(),
                "--lock-timeout", "1");
        assertEquals(ExitCode.STATE, back.exitCode(), back::toString); // nothing to roll back to, but accepted
    }
}
