package dev.updater.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.updater.registry.testing.Htpasswd;
import dev.updater.registry.testing.LocalRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI examples in {@code examples/} are parsed as the CI systems would and their shell steps run, as written, with
 * the built CLI against a local registry with basic auth standing in for the hosted one. What the test replaces: the
 * steps that install the tool (the built launcher is on PATH instead, through a shim that adds {@code --plain-http},
 * since the stand-in registry has no TLS), the build (two payload files), and {@code docker/login-action} (the docker
 * config it would write). Then a device that pinned the root pulls the release through TUF.
 */
class ExamplesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String USER = "ci-bot";
    private static final String PASSWORD = "s3cret-token";
    private static final Path EXAMPLES = Path.of("../examples").toAbsolutePath().normalize();

    static LocalRegistry registry;

    @TempDir
    Path dir;

    Path workspace;
    Path bin;
    Path trustWork;
    Path trustKeys;
    Path dockerConfig;

    @BeforeAll
    static void start() throws IOException {
        Path auth = Files.createTempDirectory("examples-auth");
        registry = LocalRegistry.start(Htpasswd.registryConfig(auth, Map.of(USER, PASSWORD)));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        workspace = Files.createDirectories(dir.resolve("workspace"));
        bin = Files.createDirectories(dir.resolve("bin"));
        // The stand-in registry speaks plain HTTP: the shim adds --plain-http to the commands that talk to it.
        Path shim = bin.resolve("update");
        Files.writeString(shim, "#!/bin/sh\ncase \"$1\" in\n"
                + "  push|pull|sign|verify|versions|inspect) exec '" + Cli.launcher() + "' \"$@\" --plain-http ;;\n"
                + "  *) exec '" + Cli.launcher() + "' \"$@\" ;;\nesac\n");
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path build = Files.createDirectories(workspace.resolve("build"));
        Files.write(build.resolve("fw-esp32.bin"), random(150_000, 1));
        Files.write(build.resolve("thermostatd"), random(90_000, 2));
        dockerConfig = Files.createDirectories(dir.resolve("docker"));
        trustWork = dir.resolve("trust-work");
        trustKeys = dir.resolve("trust-keys");
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The one-off setup the examples' comments describe: a release key, and trust initialised in the repository. */
    private void oneOffSetup(String repo) throws Exception {
        writeDockerConfig(dockerConfig.resolve("config.json"));
        Path password = Files.writeString(dir.resolve("pw"), "key-password\n");
        ok(Cli.run(List.of(Cli.launcher().toString(), "keygen", "--output-prefix", workspace.resolve("release")
                .toString(), "--password-file", password.toString()), Map.of()));
        ok(Cli.run(List.of(Cli.launcher().toString(), "trust", "init", "--registry", repo, "--plain-http", "--repo",
                trustWork.toString(), "--keys", trustKeys.toString()), Map.of("DOCKER_CONFIG", dockerConfig.toString())));
    }

    private static void writeDockerConfig(Path file) throws IOException {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        Files.writeString(file, "{\"auths\":{\"" + registry.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}");
    }

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    @Test
    void githubActionsWorkflowPushesSignsAndListsTheReleaseInTuf() throws Exception {
        JsonNode workflow = YAML.readTree(EXAMPLES.resolve("github-actions/release.yml").toFile());
        assertEquals("v*", workflow.path("on").path("push").path("tags").get(0).asText());
        String repo = registry.hostPort() + "/acme/gh-thermostat/firmware";
        oneOffSetup(repo);

        Map<String, String> secrets = Map.of(
                "GITHUB_TOKEN", PASSWORD,
                "UPDATE_COSIGN_KEY", Files.readString(workspace.resolve("release.key")),
                "UPDATE_COSIGN_PASSWORD", "key-password",
                "UPDATE_TUF_TARGETS_KEY", Files.readString(trustKeys.resolve("targets.pem")),
                "UPDATE_TUF_SNAPSHOT_KEY", Files.readString(trustKeys.resolve("snapshot.pem")),
                "UPDATE_TUF_TIMESTAMP_KEY", Files.readString(trustKeys.resolve("timestamp.pem")));
        Map<String, String> context = Map.of("github.repository", "acme/gh-thermostat", "github.actor", USER);
        Path runnerTemp = Files.createDirectories(dir.resolve("runner-temp"));
        Map<String, String> env = new HashMap<>();
        workflow.path("env").fields().forEachRemaining(e -> env.put(e.getKey(),
                githubExpressions(e.getValue().asText(), secrets, context)));
        env.put("GITHUB_REF_NAME", "v1.3.0");
        env.put("RUNNER_TEMP", runnerTemp.toString());
        env.put("GITHUB_PATH", dir.resolve("github-path").toString());
        env.put("GITHUB_STEP_SUMMARY", dir.resolve("summary.md").toString());
        env.put("DOCKER_CONFIG", dockerConfig.toString());

        List<String> ran = new ArrayList<>();
        for (JsonNode step : workflow.path("jobs").path("release").path("steps")) {
            String name = step.path("name").asText(step.path("uses").asText());
            if (step.has("uses")) {
                if (step.path("uses").asText().startsWith("docker/login-action")) {
                    // what the action does: the registry's credentials in the docker config
                    assertEquals("ghcr.io", step.path("with").path("registry").asText());
                    assertEquals(PASSWORD, githubExpressions(step.path("with").path("password").asText(), secrets,
                            context));
                    writeDockerConfig(dockerConfig.resolve("config.json"));
                }
                continue;
            }
            if (name.equals("Install update") || name.equals("Build")) continue; // replaced by the setup above
            Map<String, String> stepEnv = new HashMap<>(env);
            step.path("env").fields().forEachRemaining(e -> stepEnv.put(e.getKey(),
                    githubExpressions(e.getValue().asText(), secrets, context)));
            Cli.Result r = bash(githubExpressions(step.path("run").asText(), secrets, context), stepEnv);
            assertEquals(0, r.exitCode(), () -> "step '" + name + "': " + r);
            ran.add(name);
        }
        assertEquals(List.of("Keys from secrets", "Push, sign and list in TUF", "Verify what devices will see",
                "Remove keys"), ran);
        assertTrue(Files.readString(dir.resolve("summary.md")).contains("released " + repo + "@sha256:"));
        assertTrue(!Files.exists(runnerTemp.resolve("release.key")), "the last step removes the keys");
        deviceGetsTheReleaseThroughTuf(repo, "beta", "1.3.0");
    }

    @Test
    void gitlabPipelinePushesSignsAndListsTheReleaseInTuf() throws Exception {
        JsonNode pipeline = YAML.readTree(EXAMPLES.resolve("gitlab-ci/.gitlab-ci.yml").toFile());
        assertEquals(List.of("build", "release"), YAML.convertValue(pipeline.path("stages"), List.class));
        JsonNode job = pipeline.path("release");
        assertEquals("release", job.path("stage").asText());
        String image = registry.hostPort() + "/acme/gl-thermostat";
        String repo = image + "/firmware";
        oneOffSetup(repo);
        Files.deleteIfExists(dockerConfig.resolve("config.json")); // the job writes its own

        Path home = Files.createDirectories(dir.resolve("home"));
        Map<String, String> env = new HashMap<>();
        env.put("CI_REGISTRY", registry.hostPort());
        env.put("CI_REGISTRY_IMAGE", image);
        env.put("CI_REGISTRY_USER", USER);
        env.put("CI_REGISTRY_PASSWORD", PASSWORD);
        env.put("CI_COMMIT_TAG", "v2.0.0");
        env.put("HOME", home.toString());
        // file-type CI/CD variables hold a path to a file with the value
        env.put("UPDATE_COSIGN_KEY", workspace.resolve("release.key").toString());
        env.put("UPDATE_PASSWORD", "key-password");
        env.put("UPDATE_TUF_TARGETS_KEY", trustKeys.resolve("targets.pem").toString());
        env.put("UPDATE_TUF_SNAPSHOT_KEY", trustKeys.resolve("snapshot.pem").toString());
        env.put("UPDATE_TUF_TIMESTAMP_KEY", trustKeys.resolve("timestamp.pem").toString());

        // GitLab runs the variables, then script and after_script, in a shell each; before_script installs the tool.
        StringBuilder script = new StringBuilder("set -e\n");
        pipeline.path("variables").fields().forEachRemaining(e -> script.append("export ").append(e.getKey())
                .append("=\"").append(e.getValue().asText()).append("\"\n"));
        for (JsonNode line : job.path("script")) script.append(line.asText()).append('\n');
        Cli.Result r = bash(script.toString(), env);
        assertEquals(0, r.exitCode(), () -> "release job: " + r);
        JsonNode pushed = new ObjectMapper().readTree(Files.readString(workspace.resolve("push.json")));
        assertEquals("2.0.0", pushed.path("version").asText());
        StringBuilder after = new StringBuilder();
        for (JsonNode line : job.path("after_script")) after.append(line.asText()).append('\n');
        assertEquals(0, bash(after.toString(), env).exitCode());
        assertTrue(!Files.exists(home.resolve(".docker/config.json")), "after_script removes the credentials");
        deviceGetsTheReleaseThroughTuf(repo, "beta", "2.0.0");
    }

    @Test
    void systemdPollInstallsOnceThenFindsTheDeviceUpToDate() throws Exception {
        Path systemd = EXAMPLES.resolve("systemd");
        String service = Files.readString(systemd.resolve("update-device.service"));
        assertTrue(service.contains("ExecStart=/usr/local/lib/update/update-device.sh"), service);
        assertTrue(service.contains("EnvironmentFile=/etc/default/update-device"), service);
        String timer = Files.readString(systemd.resolve("update-device.timer"));
        assertTrue(timer.contains("[Timer]") && timer.contains("OnUnitActiveSec="), timer);
        assertEquals(0, Cli.run(List.of("sh", "-n", systemd.resolve("update-device.sh").toString()), Map.of())
                .exitCode());

        writeDockerConfig(dockerConfig.resolve("config.json"));
        String repo = registry.hostPort() + "/acme/device-app";
        Map<String, String> push = Map.of("DOCKER_CONFIG", dockerConfig.toString());
        ok(Cli.run(List.of(Cli.launcher().toString(), "push", repo, "--plain-http", "--version", "1.0.0", "--target",
                "linux-amd64=" + workspace.resolve("build/thermostatd"), "--channel", "stable"), push));
        Path root = dir.resolve("opt-app");
        // the settings the service reads from /etc/default/update-device
        Map<String, String> env = new HashMap<>(Map.of("DOCKER_CONFIG", dockerConfig.toString(),
                "UPDATE", Cli.launcher().toString(), "UPDATE_REF", repo + ":stable", "UPDATE_TARGET", "linux-amd64",
                "UPDATE_INSTALL_ROOT", root.toString(), "UPDATE_OPTIONS", "--plain-http",
                "UPDATE_HEALTH_CMD", "test -f ./thermostatd", "UPDATE_HEALTH_TIMEOUT", "20"));
        Cli.Result first = Cli.run(List.of("sh", systemd.resolve("update-device.sh").toString()), env);
        assertEquals(0, first.exitCode(), first::toString);
        assertArrayEquals(Files.readAllBytes(workspace.resolve("build/thermostatd")),
                Files.readAllBytes(root.resolve("current/thermostatd")));
        Cli.Result second = Cli.run(List.of("sh", systemd.resolve("update-device.sh").toString()), env);
        assertEquals(0, second.exitCode(), second::toString);
        assertTrue(second.out().contains("update: up-to-date"), second::toString);
    }

    private void deviceGetsTheReleaseThroughTuf(String repo, String channel, String version) throws Exception {
        Path state = dir.resolve("device-state");
        Map<String, String> env = Map.of("DOCKER_CONFIG", dockerConfig.toString());
        writeDockerConfig(dockerConfig.resolve("config.json"));
        ok(Cli.run(List.of(Cli.launcher().toString(), "trust", "bootstrap", trustWork.resolve("metadata/1.root.json")
                .toString(), "--state-dir", state.toString()), env));
        Path out = dir.resolve("fw.bin");
        Cli.Result pulled = ok(Cli.run(List.of(Cli.launcher().toString(), "pull", repo + ":" + channel,
                "--plain-http", "--target", "esp32-v4.2", "--output", out.toString(), "--state-dir",
                state.toString(), "--key", workspace.resolve("release.pub").toString(), "--json"), env));
        JsonNode result = new ObjectMapper().readTree(pulled.out());
        assertEquals(version, result.path("version").asText(), pulled::toString);
        assertArrayEquals(Files.readAllBytes(workspace.resolve("build/fw-esp32.bin")), Files.readAllBytes(out));
    }

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*([a-zA-Z0-9_.]+)\\s*}}");

    /** GitHub's ${{ ... }} expressions of the kinds the example uses; anything else fails the test. */
    private static String githubExpressions(String text, Map<String, String> secrets, Map<String, String> context) {
        Matcher m = EXPRESSION.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = name.startsWith("secrets.") ? secrets.get(name.substring("secrets.".length()))
                    : context.get(name);
            if (value == null) throw new AssertionError("expression the test does not know: " + m.group());
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        // the hosted registry is stood in for by the local one
        return sb.toString().replace("ghcr.io", registry.hostPort());
    }

    private Cli.Result bash(String script, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script).directory(workspace.toFile());
        pb.environment().remove("DOCKER_CONFIG"); // only what the step's environment says
        pb.environment().putAll(env);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + script);
        }
        return new Cli.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
