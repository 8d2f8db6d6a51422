package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.schema.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** push --json counts what crossed the wire: a blob mounted from another repository is not "uploaded". */
class ByteCountersTest {
    @TempDir
    Path dir;

    private static JsonNode json(CliRunner.Result r) {
        assertEquals(0, r.exitCode(), r::toString);
        return Json.parse(r.out().trim().getBytes(StandardCharsets.UTF_8), "push result");
    }

    @Test
    void aMountedBlobIsCountedAsMountedWithNoBytes() throws Exception {
        byte[] payload = new byte[300_000];
        new Random(5).nextBytes(payload);
        Path app = Files.write(dir.resolve("app"), payload);
        try (LocalRegistry registry = LocalRegistry.start()) {
            String staging = registry.hostPort() + "/acme/app-staging";
            JsonNode first = json(CliRunner.run("push", staging, "--plain-http", "--version", "1.0.0", "--target",
                    "linux=" + app, "--json"));
            assertEquals(1, first.path("blobsUploaded").asInt(), first::toString);
            assertEquals(0, first.path("blobsMounted").asInt(), first::toString);
            assertTrue(first.path("bytesUploaded").asLong() >= payload.length, first::toString);

            JsonNode mounted = json(CliRunner.run("push", registry.hostPort() + "/acme/app", "--plain-http",
                    "--version", "1.0.0", "--target", "linux=" + app, "--mount-from", "acme/app-staging", "--json"));
            assertEquals(1, mounted.path("blobsMounted").asInt(), mounted::toString);
            assertEquals(0, mounted.path("blobsUploaded").asInt(), mounted::toString);
            assertEquals(0, mounted.path("bytesUploaded").asLong(), mounted::toString);

            JsonNode again = json(CliRunner.run("push", registry.hostPort() + "/acme/app", "--plain-http",
                    "--version", "1.0.1", "--target", "linux=" + app, "--json"));
            assertEquals(1, again.path("blobsSkipped").asInt(), again::toString);
            assertEquals(0, again.path("bytesUploaded").asLong(), again::toString);
        }
    }
}
