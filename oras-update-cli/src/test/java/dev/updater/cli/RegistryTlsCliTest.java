package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.testing.Htpasswd;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.registry.testing.TestCertificate;
import dev.updater.schema.Json;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry as they are in the field: HTTPS with a certificate no JVM trusts (self-signed, made here) and basic
 * auth (htpasswd). Without --ca-file a push fails at once naming it; --ca-file and --insecure get through; login
 * checks the password against the registry before it writes the config file, and push and logout use that file.
 */
class RegistryTlsCliTest {
    static final String PASSWORD = "field-Pa55:word";
    static final String WARNING = "warning: --insecure";
    @TempDir
    static Path shared;
    static LocalRegistry registry;
    static TestCertificate certificate;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        certificate = TestCertificate.create(shared.resolve("tls"), "registry.test", "localhost");
        registry = LocalRegistry.startTls(certificate, Htpasswd.registryConfig(shared, Map.of("alice", PASSWORD)));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static CliRunner.Result withStdin(String input, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return CliRunner.run(args);
        } finally {
            System.setIn(saved);
        }
    }

    private String[] push(String repository, String version, String... more) throws Exception {
        Path app = dir.resolve("app-" + version + ".bin");
        Files.writeString(app, "payload of " + repository + " " + version);
        List<String> args = new ArrayList<>(List.of("push", registry.hostPort() + "/" + repository, "--version",
                version, "--target", "linux-amd64=" + app));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static String[] with(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
        return n;
    }

    @Test
    void withoutCaFileThePushFailsAtOnceWithExit5NamingCaFile() throws Exception {
        long start = System.nanoTime();
        CliRunner.Result r = withStdin(PASSWORD, push("tls/untrusted", "1.0.0", "-u", "alice", "--password-stdin"));
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        System.out.println("push to a self-signed registry without --ca-file: exit " + r.exitCode() + " in "
                + millis + " ms: " + r.err().strip());
        assertEquals(ExitCode.NETWORK, r.exitCode(), r::toString);
        assertTrue(r.err().contains(registry.hostPort()), r::toString);
        assertTrue(r.err().contains("not trusted"), r::toString);
        assertTrue(r.err().contains("--ca-file"), r::toString);
        assertTrue(r.err().contains("--insecure"), r::toString);
        assertTrue(millis < 5000, "a certificate problem is not retried: " + millis + " ms");
    }

    @Test
    void withCaFilePushAndPullWork() throws Exception {
        String ca = certificate.certificate().toString();
        CliRunner.Result pushed = withStdin(PASSWORD, push("tls/trusted", "1.0.0", "--ca-file", ca, "-u",
                "alice", "--password-stdin"));
        assertEquals(ExitCode.OK, pushed.exitCode(), pushed::toString);
        assertFalse(pushed.err().contains(WARNING), pushed::toString);

        Path out = dir.resolve("pulled.bin");
        CliRunner.Result pulled = withStdin(PASSWORD, "pull", registry.hostPort() + "/tls/trusted:1.0.0",
                "--target", "linux-amd64", "--output", out.toString(), "--state-dir", dir.resolve("state").toString(),
                "--ca-file", ca, "-u", "alice", "--password-stdin");
        assertEquals(ExitCode.OK, pulled.exitCode(), pulled::toString);
        assertArrayEquals(Files.readAllBytes(dir.resolve("app-1.0.0.bin")), Files.readAllBytes(out));
    }

    @Test
    void aCaFileThatDoesNotHoldTheIssuerStillFailsAndSaysWhichFilesWereTried() throws Exception {
        TestCertificate other = TestCertificate.create(dir.resolve("other"), "other.test");
        CliRunner.Result r = withStdin(PASSWORD, push("tls/other-ca", "1.0.0", "--ca-file",
                other.certificate().toString(), "-u", "alice", "--password-stdin"));
        assertEquals(ExitCode.NETWORK, r.exitCode(), r::toString);
        assertTrue(r.err().contains("--ca-file " + other.certificate()), r::toString);
    }

    @Test
    void insecureWorksAndWarnsOnce() throws Exception {
        CliRunner.Result pushed = withStdin(PASSWORD, push("tls/insecure", "1.0.0", "--insecure", "-u", "alice",
                "--password-stdin"));
        assertEquals(ExitCode.OK, pushed.exitCode(), pushed::toString);
        assertEquals(1, occurrences(pushed.err(), WARNING), pushed::toString);
        assertFalse(pushed.out().contains(WARNING), "the warning goes to stderr: " + pushed);

        CliRunner.Result listed = CliRunner.run("versions", registry.hostPort() + "/tls/insecure", "--insecure",
                "--registry-config", writeConfig(Map.of(registry.hostPort(), "alice:" + PASSWORD)).toString());
        assertEquals(ExitCode.OK, listed.exitCode(), listed::toString);
        assertEquals("1.0.0", listed.out().strip());
        assertEquals(1, occurrences(listed.err(), WARNING), listed::toString);
    }

    private Path writeConfig(Map<String, String> auths) throws Exception {
        StringBuilder json = new StringBuilder("{\"auths\": {");
        String separator = "";
        for (Map.Entry<String, String> e : auths.entrySet()) {
            json.append(separator).append('"').append(e.getKey()).append("\": {\"auth\": \"")
                    .append(Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)))
                    .append("\"}");
            separator = ", ";
        }
        json.append("}, \"credHelpers\": {\"ghcr.io\": \"gh\"}}");
        Path file = Files.createTempFile(dir, "config", ".json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void loginWithAWrongPasswordExits6AndWritesNothing() throws Exception {
        Path config = writeConfig(Map.of("other.example.com", "bob:bobs-secret"));
        byte[] before = Files.readAllBytes(config);
        CliRunner.Result r = withStdin("wrong-password-0000\n", "login", registry.hostPort(), "-u", "alice",
                "--password-stdin", "--ca-file", certificate.certificate().toString(), "--registry-config",
                config.toString());
        assertEquals(ExitCode.AUTH, r.exitCode(), r::toString);
        assertTrue(r.err().contains(registry.hostPort()), r::toString);
        assertFalse(r.err().contains("wrong-password-0000"), r::toString);
        assertArrayEquals(before, Files.readAllBytes(config), "the config file is untouched");

        Path missing = dir.resolve("never-written/config.json");
        CliRunner.Result again = withStdin("wrong-password-0000\n", "login", registry.hostPort(), "-u", "alice",
                "--password-stdin", "--ca-file", certificate.certificate().toString(), "--registry-config",
                missing.toString());
        assertEquals(ExitCode.AUTH, again.exitCode(), again::toString);
        assertFalse(Files.exists(missing.getParent()), "nothing was created");
    }

    @Test
    void loginThenPushWithoutUsernameThenLogoutThenPushIsRefused() throws Exception {
        Path config = writeConfig(Map.of("other.example.com", "bob:bobs-secret"));
        String ca = certificate.certificate().toString();
        CliRunner.Result login = withStdin(PASSWORD + "\n", "login", registry.hostPort(), "-u", "alice",
                "--password-stdin", "--ca-file", ca, "--registry-config", config.toString(), "--json");
        assertEquals(ExitCode.OK, login.exitCode(), login::toString);
        JsonNode result = Json.parse(login.out().trim().getBytes(StandardCharsets.UTF_8), "login --json");
        assertEquals(java.util.Set.of(), JsonContractTest.schema("login").validate(result), login::toString);
        assertFalse(login.out().contains(PASSWORD) || login.err().contains(PASSWORD), login::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        JsonNode written = Json.parse(Files.readAllBytes(config), "config");
        assertEquals(Base64.getEncoder().encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8)),
                written.path("auths").path(registry.hostPort()).path("auth").asText());
        assertEquals(Base64.getEncoder().encodeToString("bob:bobs-secret".getBytes(StandardCharsets.UTF_8)),
                written.path("auths").path("other.example.com").path("auth").asText(), "other entries are kept");
        assertEquals("gh", written.path("credHelpers").path("ghcr.io").asText(), "other keys are kept");

        CliRunner.Result pushed = CliRunner.run(push("tls/login", "1.0.0", "--ca-file", ca, "--registry-config",
                config.toString()));
        assertEquals(ExitCode.OK, pushed.exitCode(), pushed::toString);

        CliRunner.Result logout = CliRunner.run("logout", registry.hostPort(), "--registry-config",
                config.toString());
        assertEquals(ExitCode.OK, logout.exitCode(), logout::toString);
        JsonNode after = Json.parse(Files.readAllBytes(config), "config");
        assertFalse(after.path("auths").has(registry.hostPort()), after::toString);
        assertTrue(after.path("auths").has("other.example.com"), after::toString);

        CliRunner.Result refused = CliRunner.run(push("tls/login", "1.0.1", "--ca-file", ca, "--registry-config",
                config.toString()));
        assertEquals(ExitCode.AUTH, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains(config.toString()), "says where it looked: " + refused);

        CliRunner.Result twice = CliRunner.run("logout", registry.hostPort(), "--registry-config",
                config.toString());
        assertEquals(ExitCode.OK, twice.exitCode(), twice::toString);
        assertTrue(twice.err().contains("not logged in"), twice::toString);
    }

    @Test
    void loginToAnUnreachableRegistryExits5AndWritesNothing() {
        Path config = dir.resolve("config.json");
        CliRunner.Result r = withStdin(PASSWORD + "\n", "login", "127.0.0.1:1", "-u", "alice", "--password-stdin",
                "--registry-config", config.toString());
        assertEquals(ExitCode.NETWORK, r.exitCode(), r::toString);
        assertFalse(Files.exists(config));
    }

    @Test
    void loginNeedsARegistryHostAndAPasswordFromStdinWithoutATerminal() {
        CliRunner.Result path = CliRunner.run("login", "https://registry.example.com/acme", "-u", "alice",
                "--password-stdin");
        assertEquals(ExitCode.USAGE, path.exitCode(), path::toString);
        assertTrue(path.err().contains("HOST[:PORT]"), path::toString);
        CliRunner.Result noStdin = CliRunner.run("login", "registry.example.com", "-u", "alice");
        assertEquals(ExitCode.USAGE, noStdin.exitCode(), noStdin::toString);
        assertTrue(noStdin.err().contains("--password-stdin"), noStdin::toString);
    }

    @Test
    void tlsFlagsWithALayoutOrWithEachOtherAreUsageErrors() throws Exception {
        String layout = "oci:" + dir.resolve("layout");
        String ca = certificate.certificate().toString();
        for (String[] flags : new String[][] {{"--ca-file", ca}, {"--insecure"},
                {"--registry-config", ca}}) {
            CliRunner.Result r = CliRunner.run(with(new String[] {"versions", layout}, flags));
            assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
            assertTrue(r.err().contains(flags[0] + " is for registries"), r::toString);
            assertTrue(r.err().contains("OCI layout directory"), r::toString);
        }
        String repo = registry.hostPort() + "/tls/flags";
        CliRunner.Result both = CliRunner.run("versions", repo, "--insecure", "--ca-file", ca);
        assertEquals(ExitCode.USAGE, both.exitCode(), both::toString);
        CliRunner.Result plain = CliRunner.run("versions", repo, "--plain-http", "--ca-file", ca);
        assertEquals(ExitCode.USAGE, plain.exitCode(), plain::toString);
        CliRunner.Result notPem = CliRunner.run("versions", repo, "--ca-file", dir.resolve("app.txt").toString());
        assertEquals(ExitCode.USAGE, notPem.exitCode(), notPem::toString);
        Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        CliRunner.Result garbage = CliRunner.run("versions", repo, "--ca-file", dir.resolve("garbage.pem").toString());
        assertEquals(ExitCode.USAGE, garbage.exitCode(), garbage::toString);
        assertTrue(garbage.err().contains("garbage.pem"), garbage::toString);
    }
}
