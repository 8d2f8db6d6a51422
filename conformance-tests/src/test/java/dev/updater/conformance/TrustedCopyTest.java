package dev.updater.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.updater.registry.testing.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TUF metadata lives in the release repository as tags, so copying every tag with skopeo carries trust along. */
class TrustedCopyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private static void ok(Cli.Result r) {
        assertEquals(0, r.exitCode(), r::toString);
    }

    @Test
    void trustMetadataStillVerifiesAfterSkopeoCopiesTheRepository() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            String repo = registry.hostPort() + "/trusted/app";
            Path work = dir.resolve("work");
            Path keys = dir.resolve("keys");
            ok(Cli.update("trust", "init", "--registry", repo, "--repo", work.toString(), "--keys", keys.toString(),
                    "--plain-http"));
            Path app = dir.resolve("app");
            for (String v : List.of("1.0.0", "1.1.0")) {
                Files.writeString(app, "app " + v + "\n");
                ok(Cli.update("push", repo, "--plain-http", "--version", v, "--target", "linux=" + app,
                        "--channel", "stable", "--trust-keys", keys.toString()));
            }
            Cli.Result listed = Cli.run(List.of("skopeo", "list-tags", "--tls-verify=false", "docker://" + repo),
                    Map.of());
            assertEquals(0, listed.exitCode(), listed::toString);
            List<String> tags = new ArrayList<>();
            JSON.readTree(listed.out()).get("Tags").forEach(t -> tags.add(t.asText()));
            assertTrue(tags.contains("tuf-timestamp"), tags.toString());

            String copy = registry.hostPort() + "/trusted/copy";
            Path layout = dir.resolve("layout");
            for (String tag : tags) {
                for (String destination : List.of("docker://" + copy + ":" + tag, "oci:" + layout + ":" + tag)) {
                    Cli.Result r = Cli.run(List.of("skopeo", "copy", "--src-tls-verify=false",
                            "--dest-tls-verify=false", "docker://" + repo + ":" + tag, destination), Map.of());
                    assertEquals(0, r.exitCode(), r::toString);
                }
            }

            Path root = work.resolve("metadata/1.root.json");
            int n = 0;
            for (String source : List.of(copy + ":stable", "oci:" + layout + ":stable")) {
                Path state = dir.resolve("device-" + n++);
                ok(Cli.update("trust", "bootstrap", root.toString(), "--state-dir", state.toString()));
                List<String> args = new ArrayList<>(List.of("pull", source, "--target", "linux", "--state-dir",
                        state.toString(), "--product", "app", "--tuf", "--output", state.resolve("app").toString(),
                        "--json"));
                if (!source.startsWith("oci:")) args.add("--plain-http");
                Cli.Result pulled = Cli.update(args.toArray(String[]::new));
                assertEquals(0, pulled.exitCode(), pulled::toString);
                JsonNode result = JSON.readTree(pulled.out().strip().lines().reduce((a, b) -> b).orElseThrow());
                assertEquals("1.1.0", result.get("version").asText(), result.toString());
                assertArrayEquals("app 1.1.0\n".getBytes(StandardCharsets.UTF_8),
                        Files.readAllBytes(state.resolve("app")));
            }
        }
    }
}
