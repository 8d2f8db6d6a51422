package dev.updater.registry.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.BlobSource;
import dev.updater.registry.RegistryUnauthorizedException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.testing.Htpasswd;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.registry.testing.TokenServer;
import dev.updater.schema.Digest;
import dev.updater.schema.Failure;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The auth matrix against a real distribution registry: anonymous, htpasswd basic auth, bearer tokens. */
class RegistryAuthTest {
    static final String ALICE_PASSWORD = "s3cret:with-colon-Alice";
    static final String READER_PASSWORD = "reader-Pa55word-xyzzy";

    private static ReleaseStore open(LocalRegistry registry, String repository, RegistryCredentials credentials) {
        return ReleaseStores.open(StoreReference.parse(registry.hostPort() + "/" + repository),
                ReleaseStores.Options.defaults().withPlainHttp(true).withCredentials(credentials)
                        .withRetry(RetryPolicy.NONE));
    }

    /** Pushes a one-layer release tagged 1.0.0 and returns its payload. */
    private static byte[] pushRelease(ReleaseStore store, String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        OciDescriptor layer = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.of(payload), payload.length,
                Map.of(MediaTypes.ANNOTATION_TITLE, "app"), Optional.empty());
        store.pushBlob(layer, BlobSource.of(payload));
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        OciDescriptor configBlob = new OciDescriptor(MediaTypes.UPDATE_MANIFEST, Digest.of(config), config.length);
        store.pushBlob(configBlob, BlobSource.of(config));
        ImageManifest manifest = new ImageManifest(Optional.of(MediaTypes.UPDATE_MANIFEST), configBlob,
                List.of(layer), Optional.empty(), Map.of(MediaTypes.ANNOTATION_VERSION, "1.0.0"));
        store.pushManifest(manifest.toBytes(), MediaTypes.OCI_MANIFEST, "1.0.0");
        return payload;
    }

    private static byte[] pullPayload(ReleaseStore store) throws Exception {
        ImageManifest manifest = ImageManifest.parse(store.fetchManifest("1.0.0").bytes());
        try (InputStream in = store.openBlob(manifest.layers().get(0))) {
            return in.readAllBytes();
        }
    }

    private static Path dockerConfig(Path dir, String json) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), json);
        return dir;
    }

    private static String auth(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anonymousPushAndPullOnAnOpenRegistry() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start();
                ReleaseStore store = open(registry, "auth/open", RegistryCredentials.anonymous())) {
            byte[] payload = pushRelease(store, "open payload");
            assertArrayEquals(payload, pullPayload(store));
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class BasicAuth {
        LocalRegistry registry;
        @TempDir
        Path dir;

        @BeforeAll
        void start(@TempDir Path config) {
            registry = LocalRegistry.start(Htpasswd.registryConfig(config, Map.of("alice", ALICE_PASSWORD)));
        }

        @AfterAll
        void stop() {
            registry.close();
        }

        @Test
        void explicitCredentialsPushAndPull() throws Exception {
            try (ReleaseStore store = open(registry, "auth/basic",
                    RegistryCredentials.explicit("alice", ALICE_PASSWORD))) {
                byte[] payload = pushRelease(store, "basic payload");
                assertArrayEquals(payload, pullPayload(store));
            }
        }

        @Test
        void withoutCredentialsTheErrorNamesRegistryScopeAndWhereWeLooked() throws Exception {
            Path empty = Files.createDirectories(dir.resolve("empty-docker"));
            RegistryCredentials none = RegistryCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", empty.toString()));
            try (ReleaseStore store = open(registry, "auth/basic-none", none)) {
                RegistryUnauthorizedException e = assertThrows(RegistryUnauthorizedException.class,
                        () -> store.fetchManifest("1.0.0"));
                assertEquals(Failure.AUTH, e.failure());
                String m = e.getMessage();
                assertTrue(m.contains(registry.hostPort()), m);
                assertTrue(m.contains("repository:auth/basic-none:pull"), m);
                assertTrue(m.contains(empty.resolve("config.json") + " (no such file)"), m);
                assertTrue(m.contains("--username and --password-stdin"), m);
            }
        }

        @Test
        void aWrongPasswordIsRefusedWithoutRepeatingIt() {
            String wrong = "not-the-password-QQQ";
            try (ReleaseStore store = open(registry, "auth/basic-wrong",
                    RegistryCredentials.explicit("alice", wrong))) {
                RegistryUnauthorizedException e = assertThrows(RegistryUnauthorizedException.class,
                        () -> pushRelease(store, "never stored"));
                String m = e.getMessage();
                assertTrue(m.contains("refused the credentials"), m);
                assertTrue(m.contains("--username/--password-stdin (user 'alice')"), m);
                assertTrue(m.contains(registry.hostPort()), m);
                assertFalse(m.contains(wrong), m);
                assertFalse(m.contains(auth("alice", wrong)), m);
            }
        }

        @Test
        void dockerConfigAuthsByHostPort() throws Exception {
            Path docker = dockerConfig(dir.resolve("docker-plain"), "{\"auths\":{\"" + registry.hostPort()
                    + "\":{\"auth\":\"" + auth("alice", ALICE_PASSWORD) + "\"}}}");
            try (ReleaseStore store = open(registry, "auth/basic-config",
                    RegistryCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", docker.toString())))) {
                byte[] payload = pushRelease(store, "from config.json");
                assertArrayEquals(payload, pullPayload(store));
            }
        }

        @Test
        void dockerConfigAuthsWithAnHttpsUrlKey() throws Exception {
            Path docker = dockerConfig(dir.resolve("docker-https"), "{\"auths\":{\"https://" + registry.hostPort()
                    + "\":{\"auth\":\"" + auth("alice", ALICE_PASSWORD) + "\"}}}");
            try (ReleaseStore store = open(registry, "auth/basic-https-key",
                    RegistryCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", docker.toString())))) {
                byte[] payload = pushRelease(store, "from an https:// key");
                assertArrayEquals(payload, pullPayload(store));
            }
        }

        @Test
        void aConfigEntryForAnotherRegistryIsReportedAsNoEntry() throws Exception {
            Path docker = dockerConfig(dir.resolve("docker-other"), "{\"auths\":{\"registry.example:5000\":"
                    + "{\"auth\":\"" + auth("alice", ALICE_PASSWORD) + "\"}}}");
            try (ReleaseStore store = open(registry, "auth/basic-other",
                    RegistryCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", docker.toString())))) {
                RegistryUnauthorizedException e = assertThrows(RegistryUnauthorizedException.class,
                        () -> store.fetchManifest("1.0.0"));
                assertTrue(e.getMessage().contains(docker.resolve("config.json").toString()), e.getMessage());
                assertTrue(e.getMessage().contains("no entry for " + registry.hostPort()), e.getMessage());
            }
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class TokenAuth {
        LocalRegistry registry;
        TokenServer tokens;

        @BeforeAll
        void start(@TempDir Path config) {
            tokens = TokenServer.start(List.of(
                    new TokenServer.Account("alice", ALICE_PASSWORD, Set.of("pull", "push")),
                    new TokenServer.Account("reader", READER_PASSWORD, Set.of("pull"))),
                    Set.of("pull"), Duration.ofMinutes(5), config);
            registry = LocalRegistry.start(tokens.registryConfig());
        }

        @AfterAll
        void stop() {
            registry.close();
            tokens.close();
        }

        private ReleaseStore as(String repository, String user, String password) {
            return open(registry, repository, RegistryCredentials.explicit(user, password));
        }

        @Test
        void aWriterPushesAndPullsAndTokensAreReusedPerScope() throws Exception {
            try (ReleaseStore store = as("auth/token-rw", "alice", ALICE_PASSWORD)) {
                byte[] payload = pushRelease(store, "token payload");
                assertArrayEquals(payload, pullPayload(store));
                int afterFirst = tokens.requests();
                assertArrayEquals(payload, pullPayload(store));
                pushRelease(store, "token payload");
                assertEquals(afterFirst, tokens.requests(), "cached tokens are reused while valid");
                assertTrue(tokens.scopesAsked().contains("repository:auth/token-rw:pull,push"),
                        tokens.scopesAsked()::toString);
            }
        }

        @Test
        void anonymousPullWorksWhereTheTokenServiceAllowsIt() throws Exception {
            byte[] payload;
            try (ReleaseStore writer = as("auth/token-public", "alice", ALICE_PASSWORD)) {
                payload = pushRelease(writer, "public payload");
            }
            try (ReleaseStore anonymous = open(registry, "auth/token-public", RegistryCredentials.anonymous())) {
                assertArrayEquals(payload, pullPayload(anonymous));
                RegistryUnauthorizedException e = assertThrows(RegistryUnauthorizedException.class,
                        () -> pushRelease(anonymous, "anonymous push"));
                assertTrue(e.getMessage().contains("insufficient_scope"), e.getMessage());
            }
        }

        @Test
        void aPullOnlyTokenIsRefusedForPushWithAClearMessage() throws Exception {
            byte[] payload;
            try (ReleaseStore writer = as("auth/token-ro", "alice", ALICE_PASSWORD)) {
                payload = pushRelease(writer, "read-only payload");
            }
            int issuedBefore = tokens.issuedTokens().size();
            try (ReleaseStore reader = as("auth/token-ro", "reader", READER_PASSWORD)) {
                assertArrayEquals(payload, pullPayload(reader));
                RegistryUnauthorizedException e = assertThrows(RegistryUnauthorizedException.class,
                        () -> pushRelease(reader, "reader tries to push"));
                assertEquals(Failure.AUTH, e.failure());
                String m = e.getMessage();
                assertTrue(m.contains(registry.hostPort()), m);
                assertTrue(m.contains("scope 'repository:auth/token-ro:pull,push'"), m);
                assertTrue(m.contains("insufficient_scope"), m);
                assertTrue(m.contains("push rights on repository auth/token-ro"), m);
                assertTrue(m.contains("user 'reader'"), m);
                assertFalse(m.contains(READER_PASSWORD), m);
                List<String> issued = tokens.issuedTokens();
                for (String token : issued.subList(issuedBefore, issued.size())) {
                    assertFalse(m.contains(token), "the message leaks a token");
                }
            }
        }

        @Test
        void anIdentityTokenFromConfigJsonIsExchangedByTheRefreshTokenGrant(@TempDir Path dir) throws Exception {
            String zeroUser = Base64.getEncoder().encodeToString("00000000-0000-0000-0000-000000000000:"
                    .getBytes(StandardCharsets.UTF_8));
            Path docker = dockerConfig(dir.resolve("docker-identity"), "{\"auths\":{\"" + registry.hostPort()
                    + "\":{\"auth\":\"" + zeroUser + "\",\"identitytoken\":\"" + READER_PASSWORD + "\"}}}");
            byte[] payload;
            try (ReleaseStore writer = as("auth/token-identity", "alice", ALICE_PASSWORD)) {
                payload = pushRelease(writer, "identity token payload");
            }
            try (ReleaseStore store = open(registry, "auth/token-identity",
                    RegistryCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", docker.toString())))) {
                assertArrayEquals(payload, pullPayload(store));
                RegistryUnauthorizedException e = assertThrows(RegistryUnauthorizedException.class,
                        () -> pushRelease(store, "the reader's identity token cannot push"));
                assertTrue(e.getMessage().contains("an identity token"), e.getMessage());
                assertFalse(e.getMessage().contains(READER_PASSWORD), e.getMessage());
            }
        }

        @Test
        void aRegistryThatKeepsRefusingFreshTokensGetsAnInvalidTokenMessage() {
            String pullScope = "repository:auth/token-invalid:pull";
            tokens.issueExpiredTokens(pullScope, 2);
            try (ReleaseStore store = as("auth/token-invalid", "alice", ALICE_PASSWORD)) {
                RegistryUnauthorizedException e = assertThrows(RegistryUnauthorizedException.class,
                        () -> store.fetchManifest("1.0.0"));
                String m = e.getMessage();
                assertTrue(m.contains("invalid_token"), m);
                assertTrue(m.contains(tokens.realm()), m);
                assertTrue(m.contains("scope '" + pullScope + "'"), m);
                assertTrue(m.contains(registry.hostPort()), m);
                for (String token : tokens.issuedTokens()) assertFalse(m.contains(token), "the message leaks a token");
            }
            // The first token answered the first 401; a refusal of a token that fresh is final.
            assertEquals(1, tokens.scopesAsked().stream().filter(pullScope::equals).count());
        }

        @Test
        void aWrongPasswordIsRefusedByTheTokenService() {
            try (ReleaseStore store = as("auth/token-wrong", "alice", "wrong-password-QQQ")) {
                RegistryUnauthorizedException e = assertThrows(RegistryUnauthorizedException.class,
                        () -> store.fetchManifest("1.0.0"));
                String m = e.getMessage();
                assertTrue(m.contains("token service of " + registry.hostPort()), m);
                assertTrue(m.contains(tokens.realm()), m);
                assertTrue(m.contains("repository:auth/token-wrong:pull"), m);
                assertTrue(m.contains("refused the credentials"), m);
                assertFalse(m.contains("wrong-password-QQQ"), m);
            }
        }

        @Test
        void aTokenTheRegistryRefusesIsReplacedAndThePushRetried() throws Exception {
            String pushScope = "repository:auth/token-refresh:pull,push";
            tokens.issueExpiredTokens(pushScope, 1);
            try (ReleaseStore store = as("auth/token-refresh", "alice", ALICE_PASSWORD)) {
                byte[] payload = pushRelease(store, "pushed with a replaced token");
                assertArrayEquals(payload, pullPayload(store));
            }
            assertEquals(2, tokens.scopesAsked().stream().filter(pushScope::equals).count(),
                    "the refused push token was replaced once: " + tokens.scopesAsked());
        }
    }

    @Test
    void shortLivedTokensAreRefreshedBeforeTheyExpire(@TempDir Path dir) throws Exception {
        try (TokenServer tokens = TokenServer.start(List.of(), Set.of("pull", "push"), Duration.ofSeconds(2), dir);
                LocalRegistry registry = LocalRegistry.start(tokens.registryConfig());
                ReleaseStore store = open(registry, "auth/short", RegistryCredentials.anonymous())) {
            byte[] payload = pushRelease(store, "short-lived tokens");
            assertArrayEquals(payload, pullPayload(store));
            int before = tokens.requests();
            Thread.sleep(1700);
            assertArrayEquals(payload, pullPayload(store));
            assertEquals(before + 1, tokens.requests(), "one new pull token after expires_in");
        }
    }
}
