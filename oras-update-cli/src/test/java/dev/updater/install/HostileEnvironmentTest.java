package dev.updater.install;

import dev.updater.registry.testing.Tmpfs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.cli.CliRunner;
import dev.updater.cli.ExitCode;
import dev.updater.install.Releases.Release;
import dev.updater.schema.Failure;
import dev.updater.schema.SemVer;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install root's file system misbehaving: full, read-only, or with a file or link where the layout needs a
 * directory. Each is local state (exit 7) with a message naming the path, and leaves {@code current} and the
 * journal as they were. Full and read-only disks are real: a 2 MiB tmpfs mounted by the test (we run as root, in
 * CI too). Where mounting is refused the test says so and fails, it does not skip: the tests without a mount below
 * cover the same code path with the operating system's error injected.
 */
class HostileEnvironmentTest {
    @TempDir
    Path dir;

    private final Tmpfs disks = new Tmpfs();

    @AfterEach
    void unmount() throws Exception {
        disks.close();
    }

    private Path tmpfs(String name, String options) throws Exception {
        return disks.mount(dir, name, options);
    }

    private void remount(Path mountPoint, String options) throws Exception {
        disks.remount(mountPoint, options);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Publishes VERSION with one file of SIZE random bytes to an OCI layout outside the mounts. */
    private String publish(String version, int size) throws Exception {
        Path app = dir.resolve("src-" + version).resolve("app");
        Files.createDirectories(app.getParent());
        Files.write(app, randomBytes(size, size));
        String layout = "oci:" + dir.resolve("layout");
        CliRunner.Result r = CliRunner.run("push", layout, "--version", version, "--target", "linux=" + app);
        assertEquals(0, r.exitCode(), r::toString);
        return layout + ":" + version;
    }

    private static CliRunner.Result pull(String ref, Path root) {
        return CliRunner.run("pull", ref, "--target", "linux", "--install-root", root.toString(), "--retries", "1");
    }

    private static void assertLocalState(CliRunner.Result r, String... mustContain) {
        assertEquals(ExitCode.STATE, r.exitCode(), r::toString);
        for (String text : mustContain) {
            assertTrue(r.err().contains(text), () -> "missing '" + text + "' in " + r);
        }
        assertFalse(r.err().contains("unexpected failure"), r::toString);
    }

    private static Path currentTarget(Path root) throws IOException {
        return Files.readSymbolicLink(root.resolve("current"));
    }

    // ------------------------------------------------------------------------------------------ full disk

    @Test
    void aReleaseThatCannotFitIsRefusedBeforeTheDownloadNamingTheSpaceNeeded() throws Exception {
        Path disk = tmpfs("disk", "size=2m");
        Path root = disk.resolve("device");
        assertEquals(0, pull(publish("1.0.0", 10_000), root).exitCode());
        byte[] journal = Files.readAllBytes(root.resolve(".updater/journal"));

        CliRunner.Result r = pull(publish("2.0.0", 1_500_000), root);

        assertLocalState(r, "not enough space in " + root, "it needs 2.9 MiB (3000000 bytes", "are free");
        assertEquals(Path.of("versions", "1.0.0"), currentTarget(root));
        assertArrayEquals(journal, Files.readAllBytes(root.resolve(".updater/journal")));
        try (var versions = Files.list(root.resolve("versions"))) {
            assertEquals(List.of("1.0.0"), versions.map(p -> p.getFileName().toString()).toList());
        }
        String events = Files.readString(root.resolve(".updater/logs/events.jsonl"));
        assertTrue(events.contains("\"code\":\"STATE\"") && events.contains("not enough space"), events);
    }

    @Test
    void aDiskThatFillsUpDuringTheInstallIsLocalStateAndRecoverable() throws Exception {
        Path disk = tmpfs("disk", "size=2m");
        Path root = disk.resolve("device");
        InstallOptions options = InstallOptions.defaults().withFetchRetries(3, Duration.ofMillis(1));
        Release first = Releases.file("1.0.0", 10_000);
        Release second = Releases.file("2.0.0", 600_000); // 1.2 MB needed: passes the check before the download
        Path filler = disk.resolve("filler");
        try (Installer installer = Installer.open(root, options)) {
            installer.install(first.request(), first.source());
            InstallIoException e = assertThrows(InstallIoException.class, () -> installer.install(second.request(),
                    target -> {
                        Files.write(target, second.payload());
                        fillUp(filler); // someone else takes the rest of the disk before the version is built
                    }));
            assertEquals(Failure.STATE, e.failure());
            assertTrue(e.getMessage().contains("not enough space in " + root.toAbsolutePath()), e.getMessage());
            assertTrue(e.getMessage().contains("1200000 bytes"), e.getMessage());
        }
        assertEquals(Path.of("versions", "1.0.0"), currentTarget(root));
        Files.delete(filler);
        try (Installer installer = Installer.open(root, options)) {
            assertEquals(InstallResult.Outcome.INSTALLED, installer.install(second.request(), second.source())
                    .outcome());
        }
        assertTrue(second.matches(root.resolve("current")));
    }

    private static void fillUp(Path filler) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left on device")) throw full;
        }
    }

    @Test
    void noSpaceLeftWithoutAMountIsLocalStateAndNotRetriedLikeTheNetwork() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Release release = Releases.file("1.0.0", 4096);
        try (Installer installer = Installer.open(dir.resolve("root"), InstallOptions.defaults()
                .withFetchRetries(3, Duration.ofMillis(1)))) {
            InstallIoException e = assertThrows(InstallIoException.class, () -> installer.install(release.request(),
                    target -> {
                        attempts.incrementAndGet();
                        throw new IOException("No space left on device");
                    }));
            assertEquals(Failure.STATE, e.failure());
            assertTrue(e.getMessage().contains("not enough space in " + dir.resolve("root").toAbsolutePath()
                    + " for installing 1.0.0"), e.getMessage());
            assertTrue(e.getMessage().contains("8192 bytes"), e.getMessage());
        }
        assertEquals(1, attempts.get(), "a full disk is not retried");
        assertFalse(Files.exists(dir.resolve("root/current")));
    }

    // ------------------------------------------------------------------------------------------ read-only

    @Test
    void aReadOnlyInstallRootIsLocalStateAndStatusStillWorks() throws Exception {
        Path disk = tmpfs("ro-disk", "size=2m");
        Path root = disk.resolve("device");
        assertEquals(0, pull(publish("1.0.0", 10_000), root).exitCode());
        byte[] journal = Files.readAllBytes(root.resolve(".updater/journal"));
        String second = publish("2.0.0", 20_000);
        remount(disk, "ro");

        CliRunner.Result r = pull(second, root);

        assertLocalState(r, "install root " + root, "read-only file system", "Remount it read-write");
        assertEquals(Path.of("versions", "1.0.0"), currentTarget(root));
        assertArrayEquals(journal, Files.readAllBytes(root.resolve(".updater/journal")));
        CliRunner.Result status = CliRunner.run("status", "--install-root", root.toString());
        assertEquals(0, status.exitCode(), status::toString);
        CliRunner.Result fresh = pull(second, disk.resolve("never-created"));
        assertLocalState(fresh, "read-only file system");
        remount(disk, "rw");
    }

    @Test
    void aReadOnlyErrorWithoutAMountIsLocalStateAndNotRetried() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Release release = Releases.file("1.0.0", 4096);
        try (Installer installer = Installer.open(dir.resolve("root"), InstallOptions.defaults()
                .withFetchRetries(3, Duration.ofMillis(1)))) {
            InstallIoException e = assertThrows(InstallIoException.class, () -> installer.install(release.request(),
                    target -> {
                        attempts.incrementAndGet();
                        throw new FileSystemException(target.toString(), null, "Read-only file system");
                    }));
            assertEquals(Failure.STATE, e.failure());
            assertTrue(e.getMessage().contains("is on a read-only file system"), e.getMessage());
        }
        assertEquals(1, attempts.get());
    }

    // ------------------------------------------------------------------------------------------ layout

    @Test
    void anInstallRootThatIsAFileIsLocalState() throws Exception {
        Path root = Files.writeString(dir.resolve("not-a-dir"), "hello");
        assertLocalState(pull(publish("1.0.0", 1000), root), "install root " + root, "is a regular file, not a"
                + " directory");
        assertEquals("hello", Files.readString(root));
    }

    @Test
    void aLockFileThatIsADirectoryIsLocalState() throws Exception {
        Path root = dir.resolve("device");
        Files.createDirectories(root.resolve(".updater/lock"));
        assertLocalState(pull(publish("1.0.0", 1000), root), "lock file " + root.resolve(".updater/lock"),
                "is a directory");
        assertFalse(Files.exists(root.resolve("current")));
    }

    @Test
    void aStateDirectoryThatIsASymlinkElsewhereIsLocalStateAndNothingIsWrittenThere() throws Exception {
        Path root = Files.createDirectories(dir.resolve("device"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve(".updater"), elsewhere);
        assertLocalState(pull(publish("1.0.0", 1000), root), root.resolve(".updater") + " is a symbolic link (to "
                + elsewhere + ")");
        try (var written = Files.list(elsewhere)) {
            assertEquals(0, written.count());
        }
        assertFalse(Files.exists(root.resolve("current")));
        assertFalse(Files.exists(root.resolve("versions")));
    }

    @Test
    void theChecksLeaveAHealthyRootAlone() throws Exception {
        Path root = dir.resolve("device");
        assertEquals(0, pull(publish("1.0.0", 1000), root).exitCode());
        assertEquals(0, pull(publish("1.1.0", 1000), root).exitCode());
        assertEquals(SemVer.parse("1.1.0"), Installer.inspect(root).currentVersion().orElseThrow());
    }

    // ------------------------------------------------------------------------------------------ outside an install root

    @Test
    void pullingToAnOutputFileOnAFullDiskIsLocalStateAndLeavesNoPartialFile() throws Exception {
        Path disk = tmpfs("out-disk", "size=1m");
        String ref = publish("1.0.0", 1_500_000);
        Path out = disk.resolve("app");
        CliRunner.Result r = CliRunner.run("pull", ref, "--target", "linux", "--output", out.toString(),
                "--state-dir", dir.resolve("state").toString());
        assertLocalState(r, "No space left on device", "free some space there");
        try (var left = Files.list(disk)) {
            assertEquals(List.of(), left.toList(), "no partial or temporary file stays behind");
        }
    }

    @Test
    void aDownloadAreaOnAFullDiskIsLocalState() throws Exception {
        Path disk = tmpfs("state-disk", "size=1m");
        String ref = publish("1.0.0", 1_500_000);
        CliRunner.Result r = CliRunner.run("pull", ref, "--target", "linux", "--output",
                dir.resolve("out/app").toString(), "--state-dir", disk.resolve("state").toString());
        assertLocalState(r, "No space left on device");
        assertFalse(Files.exists(dir.resolve("out/app")));
    }

    @Test
    void pushingIntoALayoutOnAFullOrReadOnlyDiskIsLocalStateAndMovesNoTag() throws Exception {
        Path disk = tmpfs("layout-disk", "size=1m");
        String layout = "oci:" + disk.resolve("layout");
        Path small = Files.write(dir.resolve("small"), randomBytes(1000, 1));
        assertEquals(0, CliRunner.run("push", layout, "--version", "1.0.0", "--target", "linux=" + small)
                .exitCode());
        Path big = Files.write(dir.resolve("big"), randomBytes(1_500_000, 2));
        CliRunner.Result full = CliRunner.run("push", layout, "--version", "2.0.0", "--target", "linux=" + big);
        assertLocalState(full, "No space left on device");
        CliRunner.Result versions = CliRunner.run("versions", layout);
        assertEquals("1.0.0", versions.out().strip(), versions::toString);

        remount(disk, "ro");
        CliRunner.Result readOnly = CliRunner.run("push", layout, "--version", "3.0.0", "--target", "linux=" + small);
        assertLocalState(readOnly, "read-only");
        assertEquals(0, CliRunner.run("pull", layout + ":1.0.0", "--target", "linux", "--output",
                dir.resolve("from-ro").toString()).exitCode(), "a read-only layout still serves pulls");
        remount(disk, "rw");
    }
}
