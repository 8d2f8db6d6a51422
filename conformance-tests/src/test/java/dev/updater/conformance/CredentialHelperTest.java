package dev.updater.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.testing.LocalRegistry;
import dev.updater.registry.testing.TokenServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged CLI finds registry credentials the way docker does: {@code DOCKER_CONFIG/config.json} with
 * {@code credHelpers}, {@code credsStore} and {@code auths}, the helpers being {@code docker-credential-NAME}
 * programs on PATH. The registry uses bearer tokens from a test token service.
 */
class CredentialHelperTest {
    static final String WRITER_SECRET = "helper-Secret-4711";
    static final String READER_SECRET = "reader-Secret-0815";
    static LocalRegistry registry;
    static TokenServer tokens;
    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        tokens = TokenServer.start(List.of(new TokenServer.Account("writer", WRITER_SECRET, Set.of("pull", "push")),
                new TokenServer.Account("reader", READER_SECRET, Set.of("pull"))), Set.of(), Duration.ofMinutes(5),
                shared);
        registry = LocalRegistry.start(tokens.registryConfig());
    }

    @AfterAll
    static void stop() {
        registry.close();
        tokens.close();
    }

    /**
     * A credential helper speaking docker's protocol: {@code get} reads the server URL on stdin and prints
     * {@code {"ServerURL","Username","Secret"}}; every URL it was asked for is appended to {@code log}.
     */
    private Path helper(Path bin, String name, String user, String secret, Path log) throws IOException {
        Files.createDirectories(bin);
        Path script = bin.resolve("docker-credential-" + name);
        Files.writeString(script, "#!/bin/sh\n"
                + "[ \"$1\" = get ] || exit 1\n"
                + "read server\n"
                + "echo \"$server\" >> '" + log + "'\n"
                + "case \"$server\" in\n"
                + "  *" + registry.hostPort() + "*) printf '{\"ServerURL\":\"%s\",\"Username\":\"" + user
                + "\",\"Secret\":\"" + secret + "\"}\\n' \"$server\" ;;\n"
                + "  *) echo 'credentials not found in native keychain'; exit 1 ;;\n"
                + "esac\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private Path dockerConfig(String json) throws IOException {
        Path docker = Files.createDirectories(dir.resolve("docker"));
        Files.writeString(docker.resolve("config.json"), json);
        return docker;
    }

    /** Runs the launcher with DOCKER_CONFIG and PATH set (Cli pins DOCKER_CONFIG, so this runner is separate). */
    private Cli.Result update(Path dockerConfig, Path bin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Cli.launcher().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("DOCKER_CONFIG", dockerConfig.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("XDG_STATE_HOME", dir.resolve("state").toString());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        return new Cli.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private Path payload(String text) throws IOException {
        Path app = dir.resolve("app.bin");
        Files.writeString(app, text);
        return app;
    }

    private static void assertNoSecret(Cli.Result r, List<String> secrets) {
        for (String s : secrets) {
            assertFalse(r.out().contains(s) || r.err().contains(s), () -> "a secret leaks: " + r);
        }
    }

    private void pushAndPull(Path docker, Path bin, String repository) throws Exception {
        String repo = registry.hostPort() + "/" + repository;
        Path app = payload("payload of " + repository);
        Cli.Result pushed = update(docker, bin, "push", repo, "--plain-http", "--version", "1.0.0", "--target",
                "linux-amd64=" + app, "--json");
        assertEquals(0, pushed.exitCode(), pushed::toString);
        Path out = dir.resolve("pulled.bin");
        Cli.Result pulled = update(docker, bin, "pull", repo + ":1.0.0", "--plain-http", "--target", "linux-amd64",
                "--output", out.toString(), "--json");
        assertEquals(0, pulled.exitCode(), pulled::toString);
        assertArrayEquals(Files.readAllBytes(app), Files.readAllBytes(out));
        for (Cli.Result r : List.of(pushed, pulled)) {
            assertNoSecret(r, List.of(WRITER_SECRET));
            assertNoSecret(r, tokens.issuedTokens());
        }
    }

    @Test
    void aCredHelpersEntryRunsThatHelperFromPath() throws Exception {
        Path bin = dir.resolve("bin");
        Path log = dir.resolve("helper.log");
        helper(bin, "conformance", "writer", WRITER_SECRET, log);
        Path docker = dockerConfig("{\"credHelpers\":{\"" + registry.hostPort() + "\":\"conformance\"}}");
        pushAndPull(docker, bin, "creds/helpers");
        assertTrue(Files.readString(log).contains(registry.hostPort()), "the helper was asked for the registry");
    }

    @Test
    void aCredsStoreIsUsedForEveryRegistry() throws Exception {
        Path bin = dir.resolve("bin");
        Path log = dir.resolve("store.log");
        helper(bin, "teststore", "writer", WRITER_SECRET, log);
        Path docker = dockerConfig("{\"credsStore\":\"teststore\"}");
        pushAndPull(docker, bin, "creds/store");
        assertTrue(Files.readString(log).contains(registry.hostPort()), "the store was asked for the registry");
    }

    @Test
    void authsWithAnHttpsKeyInTheConfigFile() throws Exception {
        String auth = Base64.getEncoder().encodeToString(("writer:" + WRITER_SECRET).getBytes(StandardCharsets.UTF_8));
        Path docker = dockerConfig("{\"auths\":{\"https://" + registry.hostPort() + "\":{\"auth\":\"" + auth
                + "\"}}}");
        pushAndPull(docker, dir.resolve("empty-bin"), "creds/auths");
    }

    @Test
    void aHelperWithPullOnlyCredentialsGetsAClearRefusalForPush() throws Exception {
        Path bin = dir.resolve("bin");
        Path log = dir.resolve("reader.log");
        helper(bin, "readonly", "reader", READER_SECRET, log);
        Path docker = dockerConfig("{\"credHelpers\":{\"" + registry.hostPort() + "\":\"readonly\"}}");
        Cli.Result refused = update(docker, bin, "push", registry.hostPort() + "/creds/readonly", "--plain-http",
                "--version", "1.0.0", "--target", "linux-amd64=" + payload("refused"), "--json");
        assertEquals(6, refused.exitCode(), refused::toString);
        String err = refused.err();
        assertTrue(err.contains(registry.hostPort()), err);
        assertTrue(err.contains("scope 'repository:creds/readonly:pull,push'"), err);
        assertTrue(err.contains(docker.resolve("config.json").toString()), err);
        assertTrue(err.contains("docker-credential-readonly"), err);
        assertTrue(err.contains("user 'reader'"), err);
        assertNoSecret(refused, List.of(READER_SECRET));
        assertNoSecret(refused, tokens.issuedTokens());
    }
}
