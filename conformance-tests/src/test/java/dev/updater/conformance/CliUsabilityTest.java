package dev.updater.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a new user sees: help that teaches, a version, and exit codes that mean what the docs say. */
class CliUsabilityTest {

    @Test
    void topLevelHelpListsCommandsReferenceFormsAndExitCodes() {
        Cli.Result r = Cli.update("--help");
        assertEquals(0, r.exitCode(), r::toString);
        for (String expected : List.of("push", "pull", "inspect", "versions", "version", "oci:PATH", "Exit codes:",
                "verification failed")) {
            assertTrue(r.out().contains(expected), "help mentions " + expected + "\n" + r);
        }
    }

    @Test
    void everySubcommandHasHelpWithAnExample() {
        for (String command : List.of("push", "pull", "inspect", "versions")) {
            Cli.Result r = Cli.update(command, "--help");
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.out().contains("Usage: update " + command), r::toString);
            assertTrue(r.out().contains("Examples:"), r::toString);
        }
    }

    @Test
    void versionPrintsVersionCommitAndBuildTime() {
        Cli.Result r = Cli.update("version", "--json");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().matches("(?s)\\{\"schemaVersion\":1,\"version\":\"[^\"]+\",\"commit\":\"[^\"]+\",\"buildTime\":\"[^\"]+\"}\\s*"),
                r::toString);
    }

    @Test
    void usageErrorsExitWithTwoAndExplainTheFix() {
        Cli.Result missing = Cli.update("pull", "oci:/tmp/x:1.0.0");
        assertEquals(2, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("--target"), missing::toString);

        Cli.Result badRef = Cli.update("pull", "app:1.0.0", "--target", "t", "--output", "/tmp/none");
        assertEquals(2, badRef.exitCode(), badRef::toString);
        assertTrue(badRef.err().contains("name the registry"), badRef::toString);

        Cli.Result badVersion = Cli.update("push", "oci:/tmp/none", "--version", "1.0", "--target", "t=/etc/hostname");
        assertEquals(2, badVersion.exitCode(), badVersion::toString);
        assertTrue(badVersion.err().contains("semantic version"), badVersion::toString);
    }

    @Test
    void missingLayoutIsNotFound() {
        Cli.Result r = Cli.update("versions", "oci:/nonexistent/layout");
        assertEquals(3, r.exitCode(), r::toString);
    }
}
