package dev.updater.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.updater.registry.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signed, chunked release with patches, copied with the real skopeo to another repository and to an OCI layout:
 * pulls from both copies give the same digests and the signatures still verify.
 */
class CopiedReleaseTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private static JsonNode ok(Cli.Result r) throws Exception {
        assertEquals(0, r.exitCode(), r::toString);
        String[] lines = r.out().strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static void succeed(Cli.Result r) {
        assertEquals(0, r.exitCode(), r::toString);
    }

    private static void skopeoCopy(String from, String to) {
        Cli.Result r = Cli.run(List.of("skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false",
                from, to), Map.of());
        assertEquals(0, r.exitCode(), r::toString);
    }

    @Test
    void copiesWithSkopeoPullAndVerifyTheSame() throws Exception {
        Map<String, String> env = Map.of("UPDATE_PASSWORD", "correct horse");
        succeed(Cli.updateWithEnv(env, "keygen", "--output-prefix", dir.resolve("release").toString()));
        byte[] v1 = new byte[300_000];
        new Random(1).nextBytes(v1);
        byte[] v2 = v1.clone();
        for (int i = 0; i < 50; i++) v2[i * 5000] ^= 0x55;
        Path f1 = dir.resolve("v1/fw.bin");
        Path f2 = dir.resolve("v2/fw.bin");
        Files.createDirectories(f1.getParent());
        Files.createDirectories(f2.getParent());
        Files.write(f1, v1);
        Files.write(f2, v2);

        try (LocalRegistry registry = LocalRegistry.start()) {
            String repo = registry.hostPort() + "/copy/src";
            ok(Cli.updateWithEnv(env, "push", repo, "--plain-http", "--version", "1.0.0", "--target", "fw=" + f1,
                    "--chunk-size", "64K", "--key", dir.resolve("release.key").toString(), "--json"));
            JsonNode pushed = ok(Cli.updateWithEnv(env, "push", repo, "--plain-http", "--version", "2.0.0",
                    "--target", "fw=" + f2, "--chunk-size", "64K", "--key", dir.resolve("release.key").toString(),
                    "--json"));
            String digest = pushed.get("digest").asText();
            String sigTag = "sha256-" + digest.substring("sha256:".length()) + ".sig";

            String copy = registry.hostPort() + "/copy/dst";
            Path layout = dir.resolve("layout");
            for (String tag : List.of("2.0.0", sigTag)) {
                skopeoCopy("docker://" + repo + ":" + tag, "docker://" + copy + ":" + tag);
                skopeoCopy("docker://" + repo + ":" + tag, "oci:" + layout + ":" + tag);
            }

            String pub = dir.resolve("release.pub").toString();
            for (String source : List.of(copy + ":2.0.0", "oci:" + layout + ":2.0.0")) {
                List<String> transport = source.startsWith("oci:") ? List.of() : List.of("--plain-http");
                succeed(Cli.update(concat(List.of("verify", source, "--key", pub), transport)));
                Path out = dir.resolve("out-" + Math.abs(source.hashCode()));
                JsonNode pulled = ok(Cli.update(concat(List.of("pull", source, "--target", "fw", "--key", pub,
                        "--base", f1.toString(), "--output", out.toString(), "--json"), transport)));
                assertEquals(digest, pulled.get("releaseDigest").asText());
                assertEquals("delta", pulled.get("method").asText(), pulled.toString());
                assertArrayEquals(v2, Files.readAllBytes(out));
            }
        }
    }

    private static String[] concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
    }
}
