package dev.updater.registry.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real small file systems for tests of a full or read-only disk: tmpfs mounts (we run as root, in CI too). A refused
 * mount is a failure that says why, never a skip. Close it (e.g. in {@code @AfterEach}) to unmount everything.
 */
public final class Tmpfs implements AutoCloseable {
    private final List<Path> mounts = new ArrayList<>();

    /** Mounts a tmpfs with {@code options} (e.g. {@code size=2m}) at {@code parent/name}. */
    public Path mount(Path parent, String name, String options) throws IOException, InterruptedException {
        Path mountPoint = Files.createDirectories(parent.resolve(name));
        String refused = run("mount", "-t", "tmpfs", "-o", options, "tmpfs", mountPoint.toString());
        if (!refused.isEmpty()) {
            throw new IllegalStateException("this test needs a real small file system; mounting was refused: "
                    + refused);
        }
        mounts.add(mountPoint);
        return mountPoint;
    }

    /** Remounts with {@code options}, e.g. {@code ro} or {@code rw}. */
    public void remount(Path mountPoint, String options) throws IOException, InterruptedException {
        String refused = run("mount", "-o", "remount," + options, mountPoint.toString());
        if (!refused.isEmpty()) throw new IllegalStateException(refused);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Path m : mounts) {
            run("umount", m.toString());
        }
        mounts.clear();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        return code == 0 ? "" : String.join(" ", command) + " exited " + code + ": " + output.strip();
    }
}
