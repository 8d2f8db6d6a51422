package dev.updater.install;

import dev.updater.install.Releases.Release;
import dev.updater.schema.UpdaterException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The process the crash campaign kills: opens an install root (recovering it) and, in {@code install} mode,
 * installs a test release from memory through a source that writes in small chunks, so that
 * {@code -Ddev.updater.install.crashAt=fetch@N} can stop it at any byte.
 *
 * <p>Arguments: {@code ROOT install|recover [file|tar VERSION [HEALTH_COMMAND]]}.
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        InstallOptions options = CrashCampaignTest.options();
        if (args.length > 4) {
            options = options.withHealthCheck(Optional.of(HealthCheck.shell(args[4], Duration.ofSeconds(30))));
        }
        try (Installer installer = Installer.open(root, options)) {
            if (args[1].equals("install")) {
                Release release = CrashCampaignTest.release(args[2], args[3]);
                installer.install(release.request(), target -> writeInChunks(release.payload(), target));
            }
            System.out.println("DONE");
        } catch (UpdaterException e) {
            System.out.println("FAILED " + e.failure() + " " + e.getMessage());
        }
        System.out.flush();
    }

    private static void writeInChunks(byte[] payload, Path target) throws IOException {
        try (OutputStream out = Files.newOutputStream(target)) {
            int position = 0;
            while (position < payload.length) {
                int n = CrashHooks.limit("fetch", position, Math.min(4096, payload.length - position));
                out.write(payload, position, n);
                out.flush();
                position += n;
            }
            CrashHooks.limit("fetch", position, 0);
        }
    }
}
