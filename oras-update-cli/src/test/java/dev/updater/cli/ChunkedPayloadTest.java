package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.testing.FaultProxy;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.schema.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Payloads stored as chunks resume chunk by chunk, even through a proxy that ignores Range. */
class ChunkedPayloadTest {
    static final int CHUNK = 64 * 1024;
    static LocalRegistry registry;
    static FaultProxy proxy;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
        proxy = new FaultProxy(registry.port());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        registry.close();
    }

    private static JsonNode ok(CliRunner.Result r) {
        assertEquals(0, r.exitCode(), r::toString);
        String[] lines = r.out().strip().split("\n");
        return Json.parse(lines[lines.length - 1].getBytes(StandardCharsets.UTF_8), "output");
    }

    private Path payload(int size) throws Exception {
        byte[] b = new byte[size];
        new Random(5).nextBytes(b);
        Path f = dir.resolve("fw.bin");
        Files.write(f, b);
        return f;
    }

    @Test
    void rangeIgnoredAndResetsCostAtMostOneChunkEach() throws Exception {
        Path fw = payload(10 * CHUNK + 777);
        String repo = proxy.hostPort() + "/chunked/fw";
        proxy.setFault((m, p, n) -> FaultProxy.pass());
        ok(CliRunner.run("push", repo, "--plain-http", "--version", "1.0.0", "--target", "t=" + fw,
                "--chunk-size", "64K", "--json"));
        JsonNode inspect = ok(CliRunner.run("inspect", repo + ":1.0.0", "--plain-http", "--json"));
        assertEquals(11, inspect.get("updateManifest").get("targets").get("t").get("chunks").size());

        // Every blob GET ignores Range; the 3rd and 7th are cut after 40 KiB.
        proxy.setFault((m, p, n) -> n == 3 || n == 7 ? new FaultProxy.ResetAfter(40 * 1024)
                : new FaultProxy.StripRange());
        Path out = dir.resolve("out.bin");
        ok(CliRunner.run("pull", "--state-dir", dir.resolve("state").toString(), repo + ":1.0.0", "--plain-http",
                "--target", "t", "--output", out.toString(), "--json"));
        assertArrayEquals(Files.readAllBytes(fw), Files.readAllBytes(out));
        long payloadAndManifest = Files.size(fw) + 4096;
        assertTrue(proxy.blobBodyBytes() <= payloadAndManifest + 2L * CHUNK,
                "each reset cost at most one chunk: " + proxy.blobBodyBytes());
    }

    @Test
    void verifiedChunksAreKeptAcrossRuns() throws Exception {
        Path fw = payload(8 * CHUNK);
        String repo = proxy.hostPort() + "/chunked/runs";
        proxy.setFault((m, p, n) -> FaultProxy.pass());
        ok(CliRunner.run("push", repo, "--plain-http", "--version", "1.0.0", "--target", "t=" + fw,
                "--chunk-size", "64K", "--json"));
        // First run: the link dies for good after the 5th blob GET (config + 4 chunks).
        proxy.setFault((m, p, n) -> n > 5 ? new FaultProxy.Status(503, 0) : FaultProxy.pass());
        Path out = dir.resolve("out.bin");
        CliRunner.Result failed = CliRunner.run("pull", "--state-dir", dir.resolve("state").toString(),
                repo + ":1.0.0", "--plain-http", "--target", "t", "--output", out.toString());
        assertEquals(ExitCode.NETWORK, failed.exitCode(), failed::toString);
        assertFalse(Files.exists(out));
        // Second run: only the missing chunks cross the wire.
        proxy.setFault((m, p, n) -> FaultProxy.pass());
        JsonNode resumed = ok(CliRunner.run("pull", "--state-dir", dir.resolve("state").toString(), repo + ":1.0.0",
                "--plain-http", "--target", "t", "--output", out.toString(), "--json"));
        assertArrayEquals(Files.readAllBytes(fw), Files.readAllBytes(out));
        assertEquals(4L * CHUNK, resumed.path("bytesDownloaded").asLong(), "the bytes this run fetched: " + resumed);
        assertTrue(proxy.blobBodyBytes() <= 4L * CHUNK + 4096, "kept chunks not fetched again: "
                + proxy.blobBodyBytes());
    }
}
