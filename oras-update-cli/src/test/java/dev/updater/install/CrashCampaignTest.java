package dev.updater.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.updater.install.Releases.Release;
import dev.updater.schema.SemVer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL in the middle of an install, at every journal state and named step and at random
 * byte offsets of the payload download and of the apply, then checks what a device would see: the next open
 * recovers to exactly the old or the new version, its files match its digest, no earlier version is lost, and a
 * new install succeeds.
 *
 * <p>CI runs 50 kill points; {@code -Dcrash.points=500} runs 500 ({@code -Dcrash.seed=N} replays a campaign).
 */
class CrashCampaignTest {
    private static final int FILE_SIZE = 48 * 1024;
    private static final int TAR_FILE_SIZE = 16 * 1024;

    @TempDir
    Path work;

    static InstallOptions options() {
        // Retention wide enough that nothing is pruned: every version installed must survive every crash.
        return InstallOptions.defaults().withRetention(100, Long.MAX_VALUE)
                .withLockTimeout(java.time.Duration.ofSeconds(10));
    }

    static Release release(String kind, String version) {
        return kind.equals("tar") ? Releases.tar(version, TAR_FILE_SIZE) : Releases.file(version, FILE_SIZE);
    }

    /** One kill: where, on which payload kind, with which health command, and where recovery must end. */
    record KillPoint(String kind, String crashAt, String healthCommand, String expectedCurrent, boolean crashRecoveryToo) {
        @Override
        public String toString() {
            return kind + " " + crashAt + (healthCommand.isEmpty() ? "" : " health='" + healthCommand + "'")
                    + (crashRecoveryToo ? " +recovering" : "");
        }
    }

    static List<KillPoint> campaign(int total, long seed) {
        List<KillPoint> points = new ArrayList<>();
        for (String kind : List.of("file", "tar")) {
            for (String p : List.of("journal:fetching", "journal:validating", "journal:applying", "apply:staged",
                    "apply:renamed")) {
                points.add(new KillPoint(kind, p, "", "2.0.0", false));
            }
            for (String p : List.of("journal:switching", "switch:link-created", "switch:renamed", "switch:recorded",
                    "journal:committed")) {
                points.add(new KillPoint(kind, p, "", "3.0.0", false));
            }
            // A health check interrupted, or a failed one's rollback interrupted: the old version comes back.
            points.add(new KillPoint(kind, "journal:checking", "true", "2.0.0", false));
            points.add(new KillPoint(kind, "journal:rolling-back", "false", "2.0.0", false));
            // Recovery itself killed: the next recovery still finishes the switch.
            points.add(new KillPoint(kind, "journal:switching", "", "3.0.0", true));
        }
        Random random = new Random(seed);
        int tarFileBytes = release("tar", "3.0.0").expectedFiles().values().stream().mapToInt(b -> b.length).sum();
        int tarSize = release("tar", "3.0.0").payload().length;
        while (points.size() < total) {
            String kind = random.nextBoolean() ? "file" : "tar";
            boolean fetch = random.nextBoolean();
            int limit = fetch ? (kind.equals("file") ? FILE_SIZE : tarSize) : (kind.equals("file") ? FILE_SIZE
                    : tarFileBytes);
            // The tar extractor only pauses before a byte it is about to write, so its end is not a kill point.
            int offset = random.nextInt(kind.equals("tar") && !fetch ? limit : limit + 1);
            points.add(new KillPoint(kind, (fetch ? "fetch@" : "apply@") + offset, "", "2.0.0", false));
        }
        return points;
    }

    @Test
    void everyKillLeavesACompleteVersionAndLosesNone() throws Exception {
        int total = Integer.getInteger("crash.points", 50);
        long seed = Long.getLong("crash.seed", System.nanoTime());
        List<KillPoint> points = campaign(total, seed);
        long start = System.nanoTime();
        int i = 0;
        for (KillPoint point : points) {
            try {
                runKillPoint(work.resolve("root-" + i++), point);
            } catch (AssertionError | Exception e) {
                throw new AssertionError("kill point '" + point + "' (crash.seed=" + seed + "): " + e.getMessage(), e);
            }
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("crash campaign: " + points.size() + " kill points in " + millis + " ms (seed " + seed + ")");
    }

    private void runKillPoint(Path root, KillPoint point) throws Exception {
        Release v1 = release(point.kind, "1.0.0");
        Release v2 = release(point.kind, "2.0.0");
        Release v3 = release(point.kind, "3.0.0");
        try (Installer installer = Installer.open(root, options())) {
            installer.install(v1.request(), v1.source());
            installer.install(v2.request(), v2.source());
        }

        List<String> args = new ArrayList<>(List.of(root.toString(), "install", point.kind, "3.0.0"));
        if (!point.healthCommand.isEmpty()) args.add(point.healthCommand);
        killAt(point.crashAt, args);
        if (point.crashRecoveryToo) {
            killAt("journal:recovering", List.of(root.toString(), "recover"));
        }

        // What 'update status' shows right after the crash: readable, and the interrupted operation if any.
        InstallStatus afterCrash = Installer.inspect(root);
        assertEquals(!point.crashAt.equals("journal:committed"), afterCrash.pendingJournal().isPresent(),
                "pending journal after the kill: " + afterCrash.pendingJournal());

        try (Installer recovered = Installer.open(root, options())) {
            assertTrue(recovered.recoveryReport().isPresent() || point.crashAt.equals("journal:committed"));
            assertEquals(Optional.of(SemVer.parse(point.expectedCurrent)), recovered.status().currentVersion(),
                    "after recovery: " + recovered.recoveryReport().orElse("(no recovery)"));
            assertTrue(recovered.status().pendingJournal().isEmpty());
        }
        Release current = point.expectedCurrent.equals("3.0.0") ? v3 : v2;
        assertTrue(current.matches(root.resolve("current")), "current must match " + current.version());
        assertTrue(v1.matches(root.resolve("versions/1.0.0")), "1.0.0 must survive intact");
        assertTrue(v2.matches(root.resolve("versions/2.0.0")), "2.0.0 must survive intact");
        if (Files.exists(root.resolve("versions/3.0.0"), LinkOption.NOFOLLOW_LINKS)) {
            assertTrue(v3.matches(root.resolve("versions/3.0.0")), "a 3.0.0 directory that exists is complete");
        }
        List<String> expectedDirs = Files.exists(root.resolve("versions/3.0.0"), LinkOption.NOFOLLOW_LINKS)
                ? List.of("1.0.0", "2.0.0", "3.0.0") : List.of("1.0.0", "2.0.0");
        assertEquals(expectedDirs, entriesOf(root.resolve("versions")), "no staging or trash directory is left");
        assertEquals(List.of(), entriesOf(root.resolve(".updater/downloads")), "no partial download is left");

        // The next pull: installs (or confirms) 3.0.0, and every earlier version is still there.
        try (Installer next = Installer.open(root, options())) {
            InstallResult result = next.install(v3.request(), v3.source());
            assertNotNull(result);
        }
        assertTrue(v3.matches(root.resolve("current")));
        assertTrue(v1.matches(root.resolve("versions/1.0.0")));
        assertTrue(v2.matches(root.resolve("versions/2.0.0")));
        assertFalse(Installer.inspect(root).pendingJournal().isPresent());
    }

    @Test
    void aSecondProcessOnTheSameRootWaitsThenFailsCleanlyAndNeverBothInstall() throws Exception {
        Path root = work.resolve("shared");
        Release v1 = release("file", "1.0.0");
        try (Installer installer = Installer.open(root, options())) {
            installer.install(v1.request(), v1.source());
        }
        List<String> command = childCommand("journal:applying", List.of(root.toString(), "install", "file", "3.0.0"));
        Process holder = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            String line = reader.readLine();
            assertEquals("CRASHPOINT journal:applying", line, "the other updater holds the lock mid-install");
            long start = System.nanoTime();
            InstallStateException busy = org.junit.jupiter.api.Assertions.assertThrows(InstallStateException.class,
                    () -> Installer.open(root, options().withLockTimeout(java.time.Duration.ofMillis(500))));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(450), "it waited first");
            assertEquals(dev.updater.schema.Failure.STATE, busy.failure());
            assertTrue(busy.getMessage().contains("pid " + holder.pid()), busy.getMessage());
            assertEquals(Optional.of(SemVer.parse("1.0.0")), Installer.inspect(root).currentVersion());
        } finally {
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
        // The holder died mid-install: the lock is free, recovery keeps 1.0.0 and the next install works.
        Release v2 = release("file", "2.0.0");
        try (Installer installer = Installer.open(root, options())) {
            assertTrue(installer.recoveryReport().orElseThrow().contains("abandoned the install of 3.0.0"));
            installer.install(v2.request(), v2.source());
        }
        assertTrue(v2.matches(root.resolve("current")));
    }

    private static List<String> entriesOf(Path dir) throws IOException {
        try (var list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Runs the child until it reports reaching {@code crashAt}, then SIGKILLs it. */
    private static void killAt(String crashAt, List<String> args) throws Exception {
        Process child = new ProcessBuilder(childCommand(crashAt, args)).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        boolean reached = false;
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith("CRASHPOINT ")) {
                    reached = true;
                    child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        if (!reached) {
            fail("the child never reached " + crashAt + "; it said:\n" + output);
        }
    }

    /** A JVM on the test class path running {@link CrashChild}, pausing at {@code crashAt}. */
    private static List<String> childCommand(String crashAt, List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx64m",
                "-D" + CrashHooks.PROPERTY + "=" + crashAt,
                "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName()));
        command.addAll(args);
        return command;
    }
}
