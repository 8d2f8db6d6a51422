package dev.updater.install;

import dev.updater.schema.SemVer;
import java.io.File;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs a {@link HealthCheck} against a version directory just switched to; its output goes to the health log. */
final class HealthCheckRunner {
    private HealthCheckRunner() {}

    /** Empty when the check passed, else why it failed (it did not start, timed out, or exited non-zero). */
    static Optional<String> run(HealthCheck check, InstallLayout layout, SemVer version) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(check.command())
                .directory(layout.versionDir(version).toFile())
                .redirectErrorStream(true)
                .redirectOutput(layout.healthLog().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("UPDATE_INSTALL_ROOT", layout.root().toString());
        builder.environment().put("UPDATE_VERSION", version.toString());
        builder.environment().put("UPDATE_VERSION_DIR", layout.versionDir(version).toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return Optional.of("could not start " + check.command() + ": " + e.getMessage());
        }
        try {
            if (!process.waitFor(check.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return Optional.of("timed out after " + check.timeout().toMillis() / 1000.0 + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return Optional.of("interrupted");
        }
        return process.exitValue() == 0 ? Optional.empty() : Optional.of("exit code " + process.exitValue());
    }
}
