package dev.updater.registry.remote;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.CertificateFileException;
import dev.updater.registry.RegistryNetworkException;
import dev.updater.registry.RegistryUnauthorizedException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.testing.Htpasswd;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.registry.testing.TestCertificate;
import dev.updater.registry.testing.TokenServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS registry with a self-signed certificate and basic auth: which certificates are trusted, and where
 * credentials are found (docker config first, then podman's and skopeo's auth.json files, in their order).
 */
class RegistryTlsTest {
    static final String PASSWORD = "tls-Secret:42";
    @TempDir
    static Path shared;
    static LocalRegistry registry;
    static TestCertificate certificate;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        certificate = TestCertificate.create(shared.resolve("tls"), "registry.test");
        registry = LocalRegistry.startTls(certificate, Htpasswd.registryConfig(shared, Map.of("alice", PASSWORD)));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static ReleaseStore open(RegistryTls tls, RegistryCredentials credentials) {
        return ReleaseStores.open(StoreReference.parse(registry.hostPort() + "/tls/repo"),
                ReleaseStores.Options.defaults().withTls(tls).withCredentials(credentials)
                        .withRetry(RetryPolicy.NONE));
    }

    private static RegistryTls trusted() {
        return RegistryTls.trusting(List.of(certificate.certificate()));
    }

    private Path authFile(String name, String user, String password) throws Exception {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"auths\":{\"" + registry.hostPort() + "\":{\"auth\":\"" + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)) + "\"}}}");
        return file;
    }

    /** An environment with no credentials anywhere but where a test puts them. */
    private Map<String, String> environment(String... more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("DOCKER_CONFIG", dir.resolve("no-docker").toString(),
                "HOME", dir.resolve("home").toString()));
        for (int i = 0; i < more.length; i += 2) env.put(more[i], more[i + 1]);
        return env;
    }

    @Test
    void theJvmTrustStoreAloneRefusesTheCertificateAndCaFileAcceptsIt() {
        try (ReleaseStore store = open(RegistryTls.jvmDefault(), RegistryCredentials.anonymous())) {
            RegistryNetworkException e = assertThrows(RegistryNetworkException.class, store::listTags);
            assertTrue(e.getMessage().contains("--ca-file"), e.getMessage());
        }
        assertAuthenticated(RegistryCredentials.explicit("alice", PASSWORD));
    }

    @Test
    void insecureAcceptsTheCertificateUnchecked() {
        try (ReleaseStore store = open(RegistryTls.insecure(), RegistryCredentials.anonymous())) {
            // past TLS: the registry itself now answers, refusing us for want of credentials
            assertThrows(RegistryUnauthorizedException.class, store::listTags);
        }
    }

    /** The certificate names 127.0.0.1 only: by the name "localhost" it is trusted but not valid for that name. */
    @Test
    void theHostNameIsCheckedWithCaFileAndNotWithInsecure() {
        String byName = "localhost:" + registry.port();
        ReleaseStores.Options options = ReleaseStores.Options.defaults().withRetry(RetryPolicy.NONE)
                .withCredentials(RegistryCredentials.anonymous());
        try (ReleaseStore store = ReleaseStores.open(StoreReference.parse(byName + "/tls/repo"),
                options.withTls(trusted()))) {
            RegistryNetworkException e = assertThrows(RegistryNetworkException.class, store::listTags);
            assertTrue(e.getMessage().contains("not valid for that name"), e.getMessage());
            assertTrue(e.getMessage().contains("--insecure"), e.getMessage());
        }
        try (ReleaseStore store = ReleaseStores.open(StoreReference.parse(byName + "/tls/repo"),
                options.withTls(RegistryTls.insecure()))) {
            assertThrows(RegistryUnauthorizedException.class, store::listTags);
        }
    }

    @Test
    void aCaFileThatIsNoCertificateIsRefusedBeforeAnyConnection() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnope\n");
        assertThrows(CertificateFileException.class, () -> RegistryTls.trusting(List.of(garbage)));
        assertThrows(CertificateFileException.class, () -> RegistryTls.trusting(List.of(dir.resolve("missing"))));
    }

    @Test
    void registryAuthFileIsRead() throws Exception {
        Path auth = authFile("podman/auth.json", "alice", PASSWORD);
        assertAuthenticated(RegistryCredentials.fromEnvironment(environment("REGISTRY_AUTH_FILE", auth.toString())));
    }

    @Test
    void xdgRuntimeDirAuthJsonIsRead() throws Exception {
        authFile("run/containers/auth.json", "alice", PASSWORD);
        assertAuthenticated(RegistryCredentials.fromEnvironment(environment("XDG_RUNTIME_DIR",
                dir.resolve("run").toString())));
    }

    @Test
    void homeConfigContainersAuthJsonIsRead() throws Exception {
        authFile("home/.config/containers/auth.json", "alice", PASSWORD);
        assertAuthenticated(RegistryCredentials.fromEnvironment(environment()));
    }

    @Test
    void theDockerConfigComesFirstAndTheMessageListsEveryPlace() throws Exception {
        authFile("no-docker/config.json", "alice", "stale-password");
        Path auth = authFile("podman/auth.json", "alice", PASSWORD);
        try (ReleaseStore store = open(trusted(), RegistryCredentials.fromEnvironment(environment(
                "REGISTRY_AUTH_FILE", auth.toString())))) {
            RegistryUnauthorizedException e = assertThrows(RegistryUnauthorizedException.class, store::listTags);
            assertTrue(e.getMessage().contains("Credentials came from: " + dir.resolve("no-docker/config.json") + " ("),
                    e.getMessage());
        }
        Files.delete(dir.resolve("no-docker/config.json"));
        try (ReleaseStore store = open(trusted(), RegistryCredentials.fromEnvironment(environment(
                "REGISTRY_AUTH_FILE", auth.toString(), "XDG_RUNTIME_DIR", dir.resolve("run").toString())))) {
            assertThrows(dev.updater.registry.NotFoundException.class, store::listTags);
        }
        try (ReleaseStore store = open(trusted(), RegistryCredentials.fromEnvironment(environment(
                "XDG_RUNTIME_DIR", dir.resolve("run").toString())))) {
            RegistryUnauthorizedException e = assertThrows(RegistryUnauthorizedException.class, store::listTags);
            String m = e.getMessage();
            assertTrue(m.contains(dir.resolve("no-docker/config.json") + " (no such file)"), m);
            assertTrue(m.contains(dir.resolve("run/containers/auth.json") + " (no such file)"), m);
            assertTrue(m.contains(dir.resolve("home/.config/containers/auth.json") + " (no such file)"), m);
        }
    }

    @Test
    void registryConfigReplacesTheLookup() throws Exception {
        Path only = authFile("explicit.json", "alice", PASSWORD);
        assertAuthenticated(RegistryCredentials.fromConfigFile(only));
        Path wrong = authFile("wrong.json", "alice", "not-it");
        try (ReleaseStore store = open(trusted(), RegistryCredentials.fromConfigFile(wrong))) {
            RegistryUnauthorizedException e = assertThrows(RegistryUnauthorizedException.class, store::listTags);
            assertTrue(e.getMessage().contains("Credentials came from: " + wrong + " ("), e.getMessage());
        }
    }

    /** The credentials get us past auth: listing an empty repository is "not found", not "unauthorized". */
    private static void assertAuthenticated(RegistryCredentials credentials) {
        try (ReleaseStore store = open(trusted(), credentials)) {
            assertThrows(dev.updater.registry.NotFoundException.class, store::listTags);
        }
    }

    @Test
    void credentialCheckSpeaksBasicAuthAndTheTokenFlow() throws Exception {
        ReleaseStores.Options tls = ReleaseStores.Options.defaults().withTls(trusted()).withRetry(RetryPolicy.NONE);
        new CredentialCheck(ReleaseStores.http(registry.hostPort(),
                tls.withCredentials(RegistryCredentials.explicit("alice", PASSWORD)))).run();
        assertThrows(RegistryUnauthorizedException.class, () -> new CredentialCheck(ReleaseStores.http(
                registry.hostPort(), tls.withCredentials(RegistryCredentials.explicit("alice", "wrong")))).run());

        try (TokenServer tokens = TokenServer.start(List.of(new TokenServer.Account("bob", PASSWORD,
                        Set.of("pull"))), Set.of(), Duration.ofMinutes(5), dir);
                LocalRegistry tokenRegistry = LocalRegistry.start(tokens.registryConfig())) {
            ReleaseStores.Options plain = ReleaseStores.Options.defaults().withPlainHttp(true)
                    .withRetry(RetryPolicy.NONE);
            new CredentialCheck(ReleaseStores.http(tokenRegistry.hostPort(),
                    plain.withCredentials(RegistryCredentials.explicit("bob", PASSWORD)))).run();
            assertThrows(RegistryUnauthorizedException.class, () -> new CredentialCheck(ReleaseStores.http(
                    tokenRegistry.hostPort(), plain.withCredentials(RegistryCredentials.explicit("bob", "no"))))
                    .run());
        }
    }
}
