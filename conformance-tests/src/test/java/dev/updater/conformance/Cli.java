package dev.updater.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged {@code update} launcher (oras-update-cli/target/dist/bin/update) and external tools. */
final class Cli {
    private static final Path STATE = createStateDir();

    private Cli() {}

    private static Path createStateDir() {
        try {
            return Files.createTempDirectory("update-state");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static Path launcher() {
        Path dist = Path.of(System.getProperty("update.dist", "../oras-update-cli/target/dist"));
        Path bin = dist.resolve("bin/update").toAbsolutePath().normalize();
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("the CLI is not built at " + bin + "; run mvn verify from the top");
        }
        return bin;
    }

    static Result update(String... args) {
        List<String> command = new ArrayList<>(List.of(launcher().toString()));
        command.addAll(List.of(args));
        return run(command, Map.of());
    }

    static Result updateWithEnv(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(launcher().toString()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    /** The launcher with {@code env} and {@code input} on standard input (a password for --password-stdin). */
    static Result updateWithInput(Map<String, String> env, String input, String... args) {
        List<String> command = new ArrayList<>(List.of(launcher().toString()));
        command.addAll(List.of(args));
        try {
            Path stdin = Files.createTempFile("cli-in", ".txt");
            try {
                Files.writeString(stdin, input);
                return run(command, env, stdin);
            } finally {
                Files.delete(stdin);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Result run(List<String> command, Map<String, String> env) {
        return run(command, env, Path.of("/dev/null"));
    }

    private static Result run(List<String> command, Map<String, String> env, Path stdin) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            // No credentials from this machine's docker config unless a test names one.
            pb.environment().put("DOCKER_CONFIG", "/nonexistent-docker-config");
            pb.environment().putAll(env);
            pb.environment().putIfAbsent("XDG_STATE_HOME", STATE.toString());
            pb.redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()));
            Path out = Files.createTempFile("cli-out", ".txt");
            Path err = Files.createTempFile("cli-err", ".txt");
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
