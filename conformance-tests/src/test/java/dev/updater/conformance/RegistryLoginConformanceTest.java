package dev.updater.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.testing.Htpasswd;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.registry.testing.TestCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged CLI against a TLS registry with a self-signed certificate and basic auth, with credentials where
 * users keep them: {@code update login} writes {@code $DOCKER_CONFIG/config.json}, which a later push reads without
 * {@code -u}; podman's and skopeo's {@code $REGISTRY_AUTH_FILE} is read as well.
 */
class RegistryLoginConformanceTest {
    static final String PASSWORD = "conformance-Pa55";
    @TempDir
    static Path shared;
    static LocalRegistry registry;
    static TestCertificate certificate;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        certificate = TestCertificate.create(shared.resolve("tls"), "registry.test");
        registry = LocalRegistry.startTls(certificate, Htpasswd.registryConfig(shared, Map.of("ci", PASSWORD)));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("DOCKER_CONFIG", dir.resolve("docker").toString(),
                "HOME", dir.resolve("home").toString(), "XDG_RUNTIME_DIR", dir.resolve("run").toString()));
        for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], pairs[i + 1]);
        return env;
    }

    private Cli.Result push(Map<String, String> env, String repository, String version) throws Exception {
        Path app = dir.resolve("app-" + version);
        Files.writeString(app, "conformance " + version);
        return Cli.updateWithEnv(env, "push", registry.hostPort() + "/" + repository, "--version", version,
                "--target", "linux-amd64=" + app, "--ca-file", certificate.certificate().toString());
    }

    @Test
    void loginWritesTheDockerConfigThatPushReadsAndLogoutRemovesIt() throws Exception {
        Map<String, String> env = env();
        Cli.Result wrong = Cli.updateWithInput(env, "wrong\n", "login", registry.hostPort(), "-u", "ci",
                "--password-stdin", "--ca-file", certificate.certificate().toString());
        assertEquals(6, wrong.exitCode(), wrong::toString);
        assertFalse(Files.exists(dir.resolve("docker/config.json")), "a refused login writes nothing");

        Cli.Result login = Cli.updateWithInput(env, PASSWORD + "\n", "login", registry.hostPort(), "-u", "ci",
                "--password-stdin", "--ca-file", certificate.certificate().toString());
        assertEquals(0, login.exitCode(), login::toString);
        Path config = dir.resolve("docker/config.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        assertTrue(Files.readString(config).contains(Base64.getEncoder().encodeToString(("ci:" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8))));

        Cli.Result pushed = push(env, "conf/login", "1.0.0");
        assertEquals(0, pushed.exitCode(), pushed::toString);

        Cli.Result logout = Cli.update("logout", registry.hostPort(), "--registry-config", config.toString());
        assertEquals(0, logout.exitCode(), logout::toString);
        Cli.Result refused = push(env, "conf/login", "1.0.1");
        assertEquals(6, refused.exitCode(), refused::toString);
    }

    @Test
    void registryAuthFileIsRead() throws Exception {
        Path auth = dir.resolve("auth.json");
        Files.writeString(auth, "{\"auths\":{\"" + registry.hostPort() + "\":{\"auth\":\"" + Base64.getEncoder()
                .encodeToString(("ci:" + PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\"}}}");
        Cli.Result without = push(env(), "conf/authfile", "1.0.0");
        assertEquals(6, without.exitCode(), without::toString);
        Cli.Result with = push(env("REGISTRY_AUTH_FILE", auth.toString()), "conf/authfile", "1.0.0");
        assertEquals(0, with.exitCode(), with::toString);
    }

    @Test
    void withoutCaFileThePushIsExit5NamingIt() throws Exception {
        Path app = dir.resolve("app");
        Files.writeString(app, "x");
        Cli.Result r = Cli.updateWithEnv(env(), "push", registry.hostPort() + "/conf/untrusted", "--version",
                "1.0.0", "--target", "linux-amd64=" + app);
        assertEquals(5, r.exitCode(), r::toString);
        assertTrue(r.err().contains("--ca-file"), r::toString);
    }
}
