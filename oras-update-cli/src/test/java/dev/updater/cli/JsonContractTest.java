package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.updater.schema.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code --json} contract: every command has {@code --json} and {@code -q}, every line it prints validates
 * against the command's schema in {@code dev/updater/cli/json/} (event lines against the event schema, a failure
 * against the error schema), carries {@code schemaVersion}, and standard output holds nothing else.
 */
class JsonContractTest {
    /** Commands outside the contract: scripts, generators, and tuf-client, whose output the TUF conformance suite fixes. */
    private static final Set<String> EXEMPT = Set.of("update completion", "update help", "update tuf-client",
            "update __man-pages", "update __train-cds", "update trust");

    private static final Map<String, JsonSchema> SCHEMAS = new HashMap<>();

    @TempDir
    Path dir;

    static JsonSchema schema(String name) {
        return SCHEMAS.computeIfAbsent(name, n -> {
            try (InputStream in = JsonOutput.class.getResourceAsStream("json/" + n + ".schema.json")) {
                assertNotNull(in, "no schema json/" + n + ".schema.json");
                return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Runs a command with --json and checks every stdout line; returns the result (or error) line. */
    private JsonNode run(String schemaName, int expectedExit, String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(expectedExit, r.exitCode(), r::toString);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            if (line.isBlank()) continue;
            JsonNode n = Json.parse(line.getBytes(StandardCharsets.UTF_8), "stdout line");
            assertEquals(1, n.path("schemaVersion").asInt(), () -> "schemaVersion on every line: " + line);
            String kind = n.has("event") ? "event" : n.has("error") ? "error" : schemaName;
            Set<ValidationMessage> problems = schema(kind).validate(n);
            assertEquals(Set.of(), problems, () -> kind + " schema, line " + line);
            lines.add(n);
        }
        List<JsonNode> results = lines.stream().filter(n -> !n.has("event")).toList();
        assertEquals(1, results.size(), () -> "exactly one result or error object: " + r);
        JsonNode result = results.get(0);
        if (expectedExit == 0) {
            assertFalse(result.has("error"), r::toString);
        } else {
            assertEquals(expectedExit, result.path("error").path("exitCode").asInt(), r::toString);
            assertFalse(result.path("error").path("hint").asText().isBlank(), r::toString);
        }
        return result;
    }

    private Path file(String name, int size, long seed) throws Exception {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Path f = dir.resolve("src-" + seed).resolve(name);
        Files.createDirectories(f.getParent());
        Files.write(f, bytes);
        return f;
    }

    @Test
    void everyCommandHasJsonAndQuietAndASchema() {
        List<String> missing = new ArrayList<>();
        walk(new CommandLine(new UpdateCommand()), missing);
        assertEquals(List.of(), missing);
    }

    private static void walk(CommandLine cl, List<String> missing) {
        String name = cl.getCommandSpec().qualifiedName();
        if (!name.equals("update") && !EXEMPT.contains(name)) {
            if (cl.getCommandSpec().findOption("--json") == null) missing.add(name + ": no --json");
            if (cl.getCommandSpec().findOption("-q") == null) missing.add(name + ": no -q");
            String schemaName = name.startsWith("update trust ") ? "trust" : name.substring("update ".length());
            if (JsonOutput.class.getResource("json/" + schemaName + ".schema.json") == null) {
                missing.add(name + ": no schema json/" + schemaName + ".schema.json");
            }
        }
        for (CommandLine sub : new TreeSet<>(cl.getSubcommands().keySet()).stream()
                .map(cl.getSubcommands()::get).toList()) {
            walk(sub, missing);
        }
    }

    @Test
    void releaseCommandsOnALayoutPrintWhatTheirSchemasSay() throws Exception {
        String layout = "oci:" + dir.resolve("layout");
        Path v1 = file("app", 40_000, 1);
        Path v2 = dir.resolve("v2");
        byte[] bytes = Files.readAllBytes(v1);
        bytes[100] ^= 1;
        Files.write(v2, bytes);
        Path password = Files.writeString(dir.resolve("password"), "pw\n");
        String key = dir.resolve("k").toString();

        run("keygen", 0, "keygen", "--output-prefix", key, "--password-file", password.toString(), "--json");
        JsonNode pushed = run("push", 0, "push", layout, "--version", "1.0.0", "--target", "linux=" + v1,
                "--channel", "stable", "--json", "--progress");
        assertEquals("1.0.0", pushed.path("version").asText());
        run("push", 0, "push", layout, "--version", "2.0.0", "--target", "linux=" + v2, "--channel", "stable",
                "--key", key + ".key", "--password-file", password.toString(), "--json");
        JsonNode signed = run("sign", 0, "sign", layout + ":1.0.0", "--key", key + ".key", "--password-file",
                password.toString(), "--json");
        assertTrue(signed.path("added").asBoolean());
        JsonNode versions = run("versions", 0, "versions", layout, "--json");
        assertEquals("[\"1.0.0\",\"2.0.0\"]", versions.path("versions").toString());
        run("inspect", 0, "inspect", layout + ":stable", "--json");
        run("verify", 0, "verify", layout + ":2.0.0", "--key", key + ".pub", "--json");
        run("version", 0, "version", "--json");

        JsonNode pulled = run("pull", 0, "pull", layout + ":1.0.0", "--target", "linux", "--output",
                dir.resolve("out").toString(), "--state-dir", dir.resolve("state").toString(), "--json", "--progress");
        assertEquals("full", pulled.path("method").asText());
        String root = dir.resolve("device").toString();
        run("pull", 0, "pull", layout + ":1.0.0", "--target", "linux", "--install-root", root, "--json");
        JsonNode installed = run("pull", 0, "pull", layout + ":2.0.0", "--target", "linux", "--install-root", root,
                "--json");
        assertEquals("installed", installed.path("result").asText());
        JsonNode check = run("check", 0, "check", layout + ":stable", "--target", "linux", "--install-root", root,
                "--json");
        assertEquals("up-to-date", check.path("status").asText(), check::toString);
        run("promote", 0, "promote", layout + ":1.0.0", "--channel", "beta", "--json");
        run("rollout", 0, "rollout", layout, "--channel", "beta", "--percent", "25", "--key", key + ".key",
                "--password-file", password.toString(), "--json");
        JsonNode logout = run("logout", 0, "logout", "127.0.0.1:9", "--registry-config",
                dir.resolve("auth.json").toString(), "--json");
        assertFalse(logout.path("removed").asBoolean(), logout::toString);
        run("status", 0, "status", "--install-root", root, "--json");
        run("rollback", 0, "rollback", "--install-root", root, "--json");

        Path patch = dir.resolve("p.patch");
        run("diff", 0, "diff", v1.toString(), v2.toString(), patch.toString(), "--json");
        JsonNode applied = run("patch", 0, "patch", v1.toString(), patch.toString(), dir.resolve("v2b").toString(),
                "--json");
        assertTrue(applied.path("digestsVerified").asBoolean());
    }

    @Test
    void trustCommandsPrintWhatTheTrustSchemaSays() {
        String repo = dir.resolve("repo").toString();
        String keys = dir.resolve("keys").toString();
        JsonNode init = run("trust", 0, "trust", "init", "--repo", repo, "--keys", keys, "--json");
        assertEquals("trust init", init.path("command").asText());
        assertEquals(5, init.path("messages").size(), init::toString); // four keys created, then the summary
        run("trust", 0, "trust", "timestamp", "--repo", repo, "--keys", keys, "--json");
        run("trust", 0, "trust", "bootstrap", dir.resolve("repo/metadata/1.root.json").toString(), "--state-dir",
                dir.resolve("state").toString(), "--json");
    }

    @Test
    void failuresAreOneErrorObjectWithTheExitCode() throws Exception {
        String layout = "oci:" + dir.resolve("layout");
        CliRunner.run("push", layout, "--version", "1.0.0", "--target", "linux=" + file("app", 1000, 3));
        JsonNode usage = run("versions", ExitCode.USAGE, "versions", layout, "--json", "--no-such-flag");
        assertEquals("usage", usage.path("error").path("kind").asText());
        JsonNode missing = run("pull", ExitCode.NOT_FOUND, "pull", layout + ":9.9.9", "--target", "linux",
                "--output", dir.resolve("o").toString(), "--json");
        assertEquals("not-found", missing.path("error").path("kind").asText());
        Path otherKey = dir.resolve("other");
        Path password = Files.writeString(dir.resolve("password"), "pw\n");
        CliRunner.run("keygen", "--output-prefix", otherKey.toString(), "--password-file", password.toString());
        JsonNode refused = run("verify", ExitCode.VERIFICATION, "verify", layout + ":1.0.0", "--key",
                otherKey + ".pub", "--json");
        assertEquals("verification", refused.path("error").path("kind").asText());
    }

    @Test
    void quietLeavesNothingButTheData() throws Exception {
        String layout = "oci:" + dir.resolve("layout");
        Path app = file("app", 1000, 4);
        CliRunner.Result push = CliRunner.run("push", layout, "--version", "1.0.0", "--target", "linux=" + app, "-q");
        assertEquals(0, push.exitCode(), push::toString);
        assertEquals("", push.err(), push::toString);
        assertTrue(push.out().matches("sha256:[0-9a-f]{64}\n"), push::toString); // the digest is the data
        Path patch = dir.resolve("p");
        CliRunner.Result diff = CliRunner.run("diff", app.toString(), app.toString(), patch.toString(), "-q");
        assertEquals("", diff.out() + diff.err(), diff::toString);
        CliRunner.Result versions = CliRunner.run("versions", layout, "-q");
        assertEquals("1.0.0\n", versions.out(), versions::toString); // the data stays
    }
}
