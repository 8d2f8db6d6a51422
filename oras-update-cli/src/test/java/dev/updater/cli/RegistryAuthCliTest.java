package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.testing.Htpasswd;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.registry.testing.TokenServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --username}/{@code --password-stdin} through the CLI against registries with basic and token auth, and the
 * rule that no secret (password, its base64 form, a token) ever reaches stdout or stderr, with or without --json.
 */
class RegistryAuthCliTest {
    static final String PASSWORD = "pw with spaces:and-colon ";
    static final String READER_PASSWORD = "reader-only-Pa55-zzyzx";
    @TempDir
    Path dir;

    /** Runs the CLI in-process with {@code password} (plus a newline, as `echo` sends it) on standard input. */
    private static CliRunner.Result withPassword(String password, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)));
        try {
            return CliRunner.run(args);
        } finally {
            System.setIn(saved);
        }
    }

    private static void assertNoSecrets(CliRunner.Result r, List<String> secrets) {
        for (String secret : secrets) {
            assertFalse(r.out().contains(secret), () -> "stdout leaks a secret: " + r);
            assertFalse(r.err().contains(secret), () -> "stderr leaks a secret: " + r);
        }
    }

    private static List<String> forms(String user, String password) {
        return List.of(password.strip(), Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private Path payload() throws Exception {
        Path app = dir.resolve("app.bin");
        Files.writeString(app, "authenticated payload");
        return app;
    }

    @Test
    void basicAuthPushAndPullWithPasswordStdinAndNoLeakOnFailure() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(Htpasswd.registryConfig(dir, Map.of("alice", PASSWORD)))) {
            String repo = registry.hostPort() + "/cli/basic";
            Path app = payload();
            CliRunner.Result pushed = withPassword(PASSWORD, "push", repo, "--plain-http", "--version", "1.0.0",
                    "--target", "linux-amd64=" + app, "--username", "alice", "--password-stdin", "--json");
            assertEquals(0, pushed.exitCode(), pushed::toString);
            assertNoSecrets(pushed, forms("alice", PASSWORD));

            Path out = dir.resolve("pulled.bin");
            CliRunner.Result pulled = withPassword(PASSWORD, "pull", "--state-dir", dir.resolve("state").toString(),
                    repo + ":1.0.0", "--plain-http", "--target", "linux-amd64", "--output", out.toString(),
                    "--username", "alice", "--password-stdin", "--json");
            assertEquals(0, pulled.exitCode(), pulled::toString);
            assertArrayEquals(Files.readAllBytes(app), Files.readAllBytes(out));

            String wrong = "wrong-password-Q7Q7";
            for (boolean json : new boolean[] {true, false}) {
                List<String> args = new ArrayList<>(List.of("push", repo, "--plain-http", "--version", "1.0.1",
                        "--target", "linux-amd64=" + app, "--username", "alice", "--password-stdin"));
                if (json) args.add("--json");
                CliRunner.Result refused = withPassword(wrong, args.toArray(String[]::new));
                assertEquals(ExitCode.AUTH, refused.exitCode(), refused::toString);
                assertTrue(refused.err().contains(registry.hostPort()), refused::toString);
                assertTrue(refused.err().contains("repository:cli/basic:"), refused::toString);
                assertTrue(refused.err().contains("--username/--password-stdin (user 'alice')"), refused::toString);
                assertNoSecrets(refused, forms("alice", wrong));
                assertNoSecrets(refused, forms("alice", PASSWORD));
            }
        }
    }

    @Test
    void aPullOnlyAccountIsRefusedForPushAndNoTokenLeaks() throws Exception {
        try (TokenServer tokens = TokenServer.start(List.of(
                        new TokenServer.Account("alice", PASSWORD, Set.of("pull", "push")),
                        new TokenServer.Account("reader", READER_PASSWORD, Set.of("pull"))),
                Set.of(), Duration.ofMinutes(5), dir);
                LocalRegistry registry = LocalRegistry.start(tokens.registryConfig())) {
            String repo = registry.hostPort() + "/cli/token";
            Path app = payload();
            CliRunner.Result pushed = withPassword(PASSWORD, "push", repo, "--plain-http", "--version", "1.0.0",
                    "--target", "linux-amd64=" + app, "--username", "alice", "--password-stdin", "--json");
            assertEquals(0, pushed.exitCode(), pushed::toString);

            CliRunner.Result refused = withPassword(READER_PASSWORD, "push", repo, "--plain-http", "--version",
                    "1.0.1", "--target", "linux-amd64=" + app, "--username", "reader", "--password-stdin", "--json");
            assertEquals(ExitCode.AUTH, refused.exitCode(), refused::toString);
            String err = refused.err();
            assertTrue(err.contains(registry.hostPort()), err);
            assertTrue(err.contains("scope 'repository:cli/token:pull,push'"), err);
            assertTrue(err.contains("insufficient_scope"), err);
            assertTrue(err.contains("user 'reader'"), err);
            assertFalse(tokens.issuedTokens().isEmpty());
            assertNoSecrets(refused, tokens.issuedTokens());
            assertNoSecrets(refused, forms("reader", READER_PASSWORD));
            assertNoSecrets(pushed, tokens.issuedTokens());
        }
    }

    @Test
    void usernameWithoutPasswordStdinIsAUsageError() {
        CliRunner.Result r = CliRunner.run("versions", "127.0.0.1:1/x", "--plain-http", "--username", "alice");
        assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
        assertTrue(r.err().contains("--username and --password-stdin go together"), r::toString);
    }
}
