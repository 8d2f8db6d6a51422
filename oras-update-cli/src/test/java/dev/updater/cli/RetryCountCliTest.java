package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.remote.RetryPolicy;
import dev.updater.registry.testing.HostileServer;
import dev.updater.schema.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One retry policy, owned by the transport: a registry that never delivers a payload blob gets exactly the policy's
 * number of attempts for one pull, whether it answers 503 or cuts every body, and whether the pull writes a file or
 * installs (the installer and the downloader no longer multiply the transport's retries). The registry is an
 * in-process server replaying a release pushed to an OCI layout, and failing only the payload blob.
 */
class RetryCountCliTest {
    @TempDir
    Path dir;
    HostileServer server;
    String payloadPath;
    byte[] payload;

    @BeforeEach
    void publish() throws Exception {
        payload = new byte[300_000];
        new Random(7).nextBytes(payload);
        Path app = Files.write(dir.resolve("app.bin"), payload);
        Path layout = dir.resolve("layout");
        CliRunner.Result pushed = CliRunner.run("push", "oci:" + layout, "--version", "1.0.0", "--target",
                "linux-amd64=" + app, "--delta-from", "0");
        assertEquals(ExitCode.OK, pushed.exitCode(), pushed::toString);
        JsonNode index = Json.parse(Files.readAllBytes(layout.resolve("index.json")), "index");
        String manifestDigest = null;
        for (JsonNode m : index.path("manifests")) {
            if ("1.0.0".equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
                manifestDigest = m.path("digest").asText();
            }
        }
        byte[] manifest = blob(layout, manifestDigest);
        String payloadDigest = null;
        for (JsonNode layer : Json.parse(manifest, "manifest").path("layers")) payloadDigest = layer.path("digest")
                .asText();
        payloadPath = "/v2/acme/app/blobs/" + payloadDigest;
        server = HostileServer.start();
        String tagPath = "/v2/acme/app/manifests/1.0.0";
        String digestPath = "/v2/acme/app/manifests/" + manifestDigest;
        this.failure = (request, out) -> HostileServer.reply(out, 503, Map.of(), "");
        server.on((request, out) -> {
            String path = request.path();
            if (path.equals(tagPath) || path.equals(digestPath)) {
                HostileServer.reply(out, 200, Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json",
                        "Docker-Content-Digest", digestPathDigest(digestPath)), manifest);
            } else if (path.equals(payloadPath)) {
                failure.answer(request, out);
            } else if (path.startsWith("/v2/acme/app/blobs/sha256:")) {
                HostileServer.reply(out, 200, Map.of(), blob(layout, path.substring(path.lastIndexOf('/') + 1)));
            } else if (path.equals("/v2/")) {
                HostileServer.reply(out, 200, Map.of(), "{}");
            } else {
                HostileServer.reply(out, 404, Map.of("Content-Type", "application/json"),
                        "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"unknown\"}]}");
            }
        });
    }

    volatile HostileServer.Handler failure;

    private static String digestPathDigest(String digestPath) {
        return digestPath.substring(digestPath.lastIndexOf('/') + 1);
    }

    private static byte[] blob(Path layout, String digest) throws java.io.IOException {
        return Files.readAllBytes(layout.resolve("blobs/sha256/" + digest.substring("sha256:".length())));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private long payloadGets() {
        return server.requests().stream().filter(r -> r.method().equals("GET") && r.path().equals(payloadPath))
                .count();
    }

    private CliRunner.Result pull(boolean install, String... more) {
        String[] where = install ? java.util.stream.Stream.concat(java.util.stream.Stream.of("--install-root",
                dir.resolve("root").toString()), java.util.stream.Stream.of(more)).toArray(String[]::new)
                : new String[] {"--output", dir.resolve("out.bin").toString(), "--state-dir",
                        dir.resolve("state").toString()};
        String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("pull", server.hostPort()
                + "/acme/app:1.0.0", "--plain-http", "--target", "linux-amd64"), java.util.stream.Stream.of(where))
                .toArray(String[]::new);
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRunner.run(args));
    }

    private void assertAttempts(String scenario, boolean install) {
        long before = payloadGets();
        long start = System.nanoTime();
        CliRunner.Result r = pull(install);
        long attempts = payloadGets() - before;
        System.out.println(scenario + (install ? ", --install-root" : ", --output") + ": " + attempts
                + " GETs of the payload blob in " + Duration.ofNanos(System.nanoTime() - start).toMillis()
                + " ms, exit " + r.exitCode() + ": " + r.err().strip());
        assertEquals(ExitCode.NETWORK, r.exitCode(), r::toString);
        assertEquals(RetryPolicy.DEFAULT.maxAttempts(), attempts, scenario + ": " + r);
    }

    @Test
    void aPayloadThatAlwaysAnswers503GetsThePolicysAttempts() {
        failure = (request, out) -> HostileServer.reply(out, 503, Map.of(), "");
        assertAttempts("503 on every GET", false);
        assertAttempts("503 on every GET", true);
    }

    @Test
    void aPayloadWhoseBodyIsAlwaysCutGetsThePolicysAttemptsResumingWithRange() {
        failure = (request, out) -> {
            HostileServer.head(out, 200, Map.of("Content-Length", String.valueOf(payload.length)));
            out.write(payload, 0, 1000);
            out.flush();
        };
        assertAttempts("body cut after 1000 bytes", false);
        assertAttempts("body cut after 1000 bytes", true);
        assertTrue(server.requests().stream().anyMatch(r -> r.path().equals(payloadPath)
                && r.header("range") != null), "the transfer resumes with Range");
    }

    @Test
    void retriesSetsThePolicysAttemptsForTheWholePull() {
        failure = (request, out) -> HostileServer.reply(out, 503, Map.of(), "");
        long before = payloadGets();
        CliRunner.Result r = pull(true, "--retries", "2");
        assertEquals(ExitCode.NETWORK, r.exitCode(), r::toString);
        assertEquals(2, payloadGets() - before, r::toString);
        assertTrue(r.err().contains("gave up after 2 attempts"), r::toString);
    }
}
