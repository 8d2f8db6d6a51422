package dev.updater.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.install.Releases.Release;
import dev.updater.schema.Digest;
import dev.updater.schema.Failure;
import dev.updater.schema.Json;
import dev.updater.schema.SemVer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallerTest {
    @TempDir
    Path root;

    private static InstallOptions fast() {
        return InstallOptions.defaults().withFetchRetries(3, Duration.ofMillis(10)).withLockTimeout(Duration.ofMillis(300));
    }

    private static SemVer v(String text) {
        return SemVer.parse(text);
    }

    private Optional<SemVer> current() throws IOException {
        return CurrentLink.read(new InstallLayout(root));
    }

    private Set<String> versionDirs() throws IOException {
        try (var list = Files.list(root.resolve("versions"))) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) lines.add(Json.parse(line.getBytes(StandardCharsets.UTF_8), file.toString()));
        }
        return lines;
    }

    @Test
    void upgradesOneToFiveKeepingThreeHistoryVersionsAndTheLayout() throws IOException {
        List<Release> releases = new ArrayList<>();
        try (Installer installer = Installer.open(root, fast())) {
            for (int i = 1; i <= 5; i++) {
                Release r = Releases.file(i + ".0.0", 4096 + i);
                releases.add(r);
                InstallResult result = installer.install(r.request(), r.source());
                assertEquals(InstallResult.Outcome.INSTALLED, result.outcome());
                assertEquals(i == 1 ? Optional.empty() : Optional.of(v((i - 1) + ".0.0")), result.previousVersion());
                assertEquals(i == 5 ? List.of(v("1.0.0")) : List.of(), result.pruned(), "pruned after " + i);
            }
        }
        assertEquals(Optional.of(v("5.0.0")), current());
        assertEquals(Path.of("versions", "5.0.0"), Files.readSymbolicLink(root.resolve("current")));
        assertTrue(releases.get(4).matches(root.resolve("current")));
        assertEquals(0755, PosixFiles.mode(Files.getPosixFilePermissions(root.resolve("current/app"))));
        assertEquals(Set.of("2.0.0", "3.0.0", "4.0.0", "5.0.0"), versionDirs());
        for (int i = 1; i < 4; i++) {
            assertTrue(releases.get(i).matches(root.resolve("versions/" + (i + 1) + ".0.0")));
        }
        InstallStatus status = Installer.inspect(root);
        assertEquals(List.of(v("2.0.0"), v("3.0.0"), v("4.0.0")),
                status.snapshots().stream().map(Snapshot::version).toList());
        assertEquals(Optional.of(releases.get(4).request().payloadDigest()), status.currentDigest());
        assertTrue(status.pendingJournal().isEmpty());
        JsonNode latest = Json.parse(Files.readAllBytes(root.resolve(".updater/snapshots/latest.json")), "latest");
        assertEquals("4.0.0", latest.path("version").asText());
        assertEquals(releases.get(3).request().payloadDigest().toString(), latest.path("digest").asText());
        assertEquals(root.resolve("versions/4.0.0").toString(), latest.path("path").asText());
        for (String p : List.of("journal", "lock", "logs/events.jsonl", "downloads", "installed/5.0.0.json")) {
            assertTrue(Files.exists(root.resolve(".updater").resolve(p)), p);
        }
        try (var downloads = Files.list(root.resolve(".updater/downloads"))) {
            assertEquals(0, downloads.count(), "downloads are removed once installed");
        }
    }

    @Test
    void retentionBySizeDropsOldestButNeverTheNewestSnapshot() throws IOException {
        // 10 KiB per version, 25 KiB allowed: two history versions fit, a third does not.
        InstallOptions options = fast().withRetention(10, 25 * 1024);
        try (Installer installer = Installer.open(root, options)) {
            for (int i = 1; i <= 5; i++) {
                Release r = Releases.file(i + ".0.0", 10 * 1024);
                installer.install(r.request(), r.source());
            }
        }
        assertEquals(Set.of("3.0.0", "4.0.0", "5.0.0"), versionDirs());
        // A limit smaller than one version still keeps the newest snapshot.
        try (Installer installer = Installer.open(root, fast().withRetention(10, 1))) {
            Release r = Releases.file("6.0.0", 10 * 1024);
            InstallResult result = installer.install(r.request(), r.source());
            assertEquals(List.of(v("3.0.0"), v("4.0.0")), result.pruned());
        }
        assertEquals(Set.of("5.0.0", "6.0.0"), versionDirs());
        assertEquals(List.of(v("5.0.0")),
                Installer.inspect(root).snapshots().stream().map(Snapshot::version).toList());
    }

    @Test
    void rollsBackTwiceAndLogsEachRollbackWithBothDigests() throws IOException {
        List<Release> releases = new ArrayList<>();
        try (Installer installer = Installer.open(root, fast())) {
            for (int i = 1; i <= 3; i++) {
                Release r = Releases.tar(i + ".0.0", 2000);
                releases.add(r);
                installer.install(r.request(), r.source());
            }
            RollbackResult first = installer.rollback(Optional.empty());
            assertEquals(v("3.0.0"), first.fromVersion());
            assertEquals(v("2.0.0"), first.toVersion());
            assertEquals(Optional.of(v("2.0.0")), current());
            assertTrue(releases.get(1).matches(root.resolve("current")));

            RollbackResult second = installer.rollback(Optional.empty());
            assertEquals(v("1.0.0"), second.toVersion());
            assertEquals(Optional.of(v("1.0.0")), current());
            assertTrue(releases.get(0).matches(root.resolve("current")));

            // Nothing older is left; newer ones are reachable by name.
            InstallStateException none = assertThrows(InstallStateException.class,
                    () -> installer.rollback(Optional.empty()));
            assertEquals(Failure.STATE, none.failure());
            assertTrue(none.getMessage().contains("--to"), none.getMessage());
            installer.rollback(Optional.of(v("3.0.0")));
            assertEquals(Optional.of(v("3.0.0")), current());
        }
        List<JsonNode> log = jsonLines(root.resolve(".updater/logs/rollback.log"));
        assertEquals(3, log.size());
        String[][] expected = {{"3.0.0", "2.0.0"}, {"2.0.0", "1.0.0"}, {"1.0.0", "3.0.0"}};
        for (int i = 0; i < 3; i++) {
            JsonNode line = log.get(i);
            assertEquals(expected[i][0], line.path("from").asText());
            assertEquals(expected[i][1], line.path("to").asText());
            int fromIndex = Integer.parseInt(expected[i][0].substring(0, 1)) - 1;
            int toIndex = Integer.parseInt(expected[i][1].substring(0, 1)) - 1;
            assertEquals(releases.get(fromIndex).request().payloadDigest(), Digest.parse(line.path("fromSha256").asText()));
            assertEquals(releases.get(toIndex).request().payloadDigest(), Digest.parse(line.path("toSha256").asText()));
            java.time.Instant.parse(line.path("time").asText());
        }
    }

    @Test
    void rollbackWithoutSnapshotIsAStateError() {
        try (Installer installer = Installer.open(root, fast())) {
            InstallStateException nothing = assertThrows(InstallStateException.class,
                    () -> installer.rollback(Optional.empty()));
            assertTrue(nothing.getMessage().contains("nothing is installed"), nothing.getMessage());
            Release r = Releases.file("1.0.0", 100);
            installer.install(r.request(), r.source());
            InstallStateException noSnapshot = assertThrows(InstallStateException.class,
                    () -> installer.rollback(Optional.empty()));
            assertEquals(Failure.STATE, noSnapshot.failure());
            assertThrows(InstallStateException.class, () -> installer.rollback(Optional.of(v("0.9.0"))));
        }
    }

    @Test
    void rollbackRefusesASnapshotWhoseFilesChanged() throws IOException {
        try (Installer installer = Installer.open(root, fast())) {
            for (String version : List.of("1.0.0", "2.0.0")) {
                Release r = Releases.file(version, 300);
                installer.install(r.request(), r.source());
            }
            Files.write(root.resolve("versions/1.0.0/app"), new byte[] {1, 2, 3});
            InstallVerificationException e = assertThrows(InstallVerificationException.class,
                    () -> installer.rollback(Optional.empty()));
            assertEquals(Failure.VERIFICATION, e.failure());
            assertEquals(Optional.of(v("2.0.0")), current());
        }
    }

    @Test
    void failingHealthCheckRestoresThePreviousVersionAndRemovesTheNewOne() throws IOException {
        Release good = Releases.file("1.0.0", 500);
        Release bad = Releases.file("2.0.0", 500);
        try (Installer installer = Installer.open(root, fast())) {
            installer.install(good.request(), good.source());
        }
        HealthCheck check = HealthCheck.shell("test \"$UPDATE_VERSION\" = 1.0.0 || { echo broken $UPDATE_VERSION; exit 3; }",
                Duration.ofSeconds(10));
        try (Installer installer = Installer.open(root, fast().withHealthCheck(Optional.of(check)))) {
            HealthCheckFailedException e = assertThrows(HealthCheckFailedException.class,
                    () -> installer.install(bad.request(), bad.source()));
            assertEquals(Failure.HEALTH_CHECK, e.failure());
            assertTrue(e.getMessage().contains("exit code 3"), e.getMessage());
        }
        assertEquals(Optional.of(v("1.0.0")), current());
        assertTrue(good.matches(root.resolve("current")));
        assertEquals(Set.of("1.0.0"), versionDirs());
        assertEquals("broken 2.0.0\n", Files.readString(root.resolve(".updater/logs/health.log")));
        JsonNode line = jsonLines(root.resolve(".updater/logs/rollback.log")).get(0);
        assertEquals("2.0.0", line.path("from").asText());
        assertEquals("1.0.0", line.path("to").asText());
        assertTrue(line.path("reason").asText().contains("health check failed: exit code 3"));
        List<JsonNode> events = jsonLines(root.resolve(".updater/logs/events.jsonl"));
        JsonNode last = events.get(events.size() - 1);
        assertEquals("failed", last.path("state").asText());
        assertEquals("HEALTH_CHECK", last.path("error").path("code").asText());
    }

    @Test
    void firstInstallFailingItsHealthCheckLeavesNothingCurrent() throws IOException {
        Release r = Releases.file("1.0.0", 50);
        HealthCheck check = HealthCheck.shell("exit 1", Duration.ofSeconds(10));
        try (Installer installer = Installer.open(root, fast().withHealthCheck(Optional.of(check)))) {
            assertThrows(HealthCheckFailedException.class, () -> installer.install(r.request(), r.source()));
        }
        assertTrue(current().isEmpty());
        assertTrue(Files.notExists(root.resolve("current"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(versionDirs().isEmpty());
        JsonNode line = jsonLines(root.resolve(".updater/logs/rollback.log")).get(0);
        assertTrue(line.path("to").isNull(), line.toString());
    }

    @Test
    void healthCheckTimeoutAlsoRollsBack() throws IOException {
        Release good = Releases.file("1.0.0", 50);
        Release slow = Releases.file("1.1.0", 50);
        try (Installer installer = Installer.open(root, fast())) {
            installer.install(good.request(), good.source());
        }
        HealthCheck check = HealthCheck.shell("sleep 30", Duration.ofMillis(300));
        long start = System.nanoTime();
        try (Installer installer = Installer.open(root, fast().withHealthCheck(Optional.of(check)))) {
            HealthCheckFailedException e = assertThrows(HealthCheckFailedException.class,
                    () -> installer.install(slow.request(), slow.source()));
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        }
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
        assertEquals(Optional.of(v("1.0.0")), current());
    }

    @Test
    void passingHealthCheckCommits() throws IOException {
        Release r = Releases.file("1.0.0", 50);
        HealthCheck check = HealthCheck.shell("test -x \"$UPDATE_VERSION_DIR/app\"", Duration.ofSeconds(10));
        try (Installer installer = Installer.open(root, fast().withHealthCheck(Optional.of(check)))) {
            assertEquals(InstallResult.Outcome.INSTALLED, installer.install(r.request(), r.source()).outcome());
        }
        assertEquals(Optional.of(v("1.0.0")), current());
    }

    @Test
    void downgradeIsRefusedUnlessAllowed() throws IOException {
        Release two = Releases.file("2.0.0", 100);
        Release one = Releases.file("1.0.0", 100);
        try (Installer installer = Installer.open(root, fast())) {
            installer.install(two.request(), two.source());
            InstallStateException e = assertThrows(InstallStateException.class,
                    () -> installer.install(one.request(), one.source()));
            assertEquals(Failure.STATE, e.failure());
            assertTrue(e.getMessage().contains("--allow-downgrade"), e.getMessage());
        }
        assertEquals(Set.of("2.0.0"), versionDirs());
        try (Installer installer = Installer.open(root, fast().withAllowDowngrade(true))) {
            installer.install(one.request(), one.source());
        }
        assertEquals(Optional.of(v("1.0.0")), current());
        assertTrue(one.matches(root.resolve("current")));
    }

    @Test
    void prereleaseNeedsPermissionAndSameVersionIsANoOp() throws IOException {
        Release rc = Releases.file("2.0.0-rc.1", 100);
        Release release = Releases.file("2.0.0", 100);
        AtomicInteger fetches = new AtomicInteger();
        PayloadSource counting = target -> {
            fetches.incrementAndGet();
            release.source().writeVerifiedPayload(target);
        };
        try (Installer installer = Installer.open(root, fast())) {
            assertThrows(InstallStateException.class, () -> installer.install(rc.request(), rc.source()));
            assertTrue(current().isEmpty());
            installer.install(release.request(), counting);
            InstallResult again = installer.install(release.request(), counting);
            assertEquals(InstallResult.Outcome.ALREADY_CURRENT, again.outcome());
            assertTrue(again.message().contains("already current"), again.message());
            assertEquals(1, fetches.get());
        }
        try (Installer installer = Installer.open(root, fast().withAllowPrerelease(true))) {
            // 2.0.0-rc.1 < 2.0.0: a prerelease of the current version is still a downgrade
            assertThrows(InstallStateException.class, () -> installer.install(rc.request(), rc.source()));
            Release next = Releases.file("2.1.0-beta.1", 100);
            installer.install(next.request(), next.source());
        }
        assertEquals(Optional.of(v("2.1.0-beta.1")), current());
    }

    @Test
    void fetchIsRetriedWithBackoffThenSucceeds() throws IOException {
        Release r = Releases.file("1.0.0", 1000);
        AtomicInteger calls = new AtomicInteger();
        PayloadSource flaky = target -> {
            if (calls.incrementAndGet() < 3) {
                Files.write(target, new byte[] {1}); // a partial file that must not survive
                throw new IOException("connection reset");
            }
            r.source().writeVerifiedPayload(target);
        };
        List<InstallEvent> events = new ArrayList<>();
        try (Installer installer = Installer.open(root, fast().withListener(Optional.of(events::add)))) {
            installer.install(r.request(), flaky);
        }
        assertEquals(3, calls.get());
        assertTrue(r.matches(root.resolve("current")));
        List<String> states = events.stream()
                .map(e -> e.state().jsonName() + "/" + e.attempt() + (e.error().isPresent() ? "!" : "")).toList();
        assertEquals(List.of("fetching/1", "fetching/1!", "fetching/2", "fetching/2!", "fetching/3",
                "validating/3", "applying/3", "switching/3", "committed/3"), states);
        InstallEvent validating = events.get(5);
        assertEquals(1000, validating.bytes());
        assertEquals(Optional.of(r.request().payloadDigest()), validating.toDigest());
        // The file log has the same lines as the listener saw.
        List<JsonNode> logged = jsonLines(root.resolve(".updater/logs/events.jsonl"));
        assertEquals(events.size(), logged.size());
        assertEquals("NETWORK", logged.get(1).path("error").path("code").asText());
        assertTrue(logged.get(1).path("error").path("message").asText().contains("connection reset"));
    }

    @Test
    void fetchGivesUpAfterTheConfiguredAttempts() throws IOException {
        Release r = Releases.file("1.0.0", 10);
        AtomicInteger calls = new AtomicInteger();
        try (Installer installer = Installer.open(root, fast().withFetchRetries(2, Duration.ofMillis(1)))) {
            FetchFailedException e = assertThrows(FetchFailedException.class, () -> installer.install(r.request(),
                    target -> {
                        calls.incrementAndGet();
                        throw new IOException("no route to host");
                    }));
            assertEquals(Failure.NETWORK, e.failure());
        }
        assertEquals(2, calls.get());
        assertTrue(current().isEmpty());
        assertTrue(versionDirs().isEmpty());
    }

    @Test
    void thePullEnginesResumablePartialSurvivesFailuresAndCrashCleanupButNotACommit() throws IOException {
        Release r = Releases.file("1.0.0", 100);
        Path resumable = root.resolve(".updater/downloads/" + r.request().payloadDigest().hex() + ".part");
        try (Installer installer = Installer.open(root, fast().withFetchRetries(1, Duration.ZERO))) {
            assertThrows(FetchFailedException.class, () -> installer.install(r.request(), target -> {
                Files.write(resumable, new byte[] {1, 2, 3}); // what a resumable downloader leaves behind
                throw new IOException("connection reset");
            }));
        }
        assertTrue(Files.exists(resumable), "kept for the next run to resume");
        try (Installer installer = Installer.open(root, fast())) {
            assertTrue(Files.exists(resumable), "opening (and cleaning up) keeps it too");
            installer.install(r.request(), r.source());
        }
        try (var downloads = Files.list(root.resolve(".updater/downloads"))) {
            assertEquals(List.of(), downloads.toList());
        }
    }

    @Test
    void payloadNotMatchingItsDigestIsRefusedAndNothingIsWritten() throws IOException {
        Release r = Releases.file("1.0.0", 100);
        try (Installer installer = Installer.open(root, fast())) {
            InstallVerificationException e = assertThrows(InstallVerificationException.class,
                    () -> installer.install(r.request(), target -> Files.write(target, new byte[100])));
            assertEquals(Failure.VERIFICATION, e.failure());
        }
        assertTrue(versionDirs().isEmpty());
        assertTrue(current().isEmpty());
        assertTrue(Installer.inspect(root).pendingJournal().isEmpty());
    }

    @Test
    void secondInstallerOnTheSameRootWaitsThenFailsCleanly() throws Exception {
        try (Installer first = Installer.open(root, fast())) {
            long start = System.nanoTime();
            InstallStateException e = assertThrows(InstallStateException.class,
                    () -> Installer.open(root, fast().withLockTimeout(Duration.ofMillis(400))));
            long waited = System.nanoTime() - start;
            assertTrue(waited >= Duration.ofMillis(350).toNanos(), "it waits before giving up");
            assertEquals(Failure.STATE, e.failure());
            assertTrue(e.getMessage().contains("in use by another updater"), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
        }
        // Released on close: the next one gets it, also while waiting for it.
        try (Installer again = Installer.open(root, fast())) {
            assertTrue(again.status().currentVersion().isEmpty());
        }
    }

    @Test
    void concurrentInstallersNeverBothInstall() throws Exception {
        Release a = Releases.file("1.0.0", 2000);
        Release b = Releases.file("2.0.0", 2000);
        List<Object> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(2);
        List<Thread> threads = new ArrayList<>();
        for (Release r : List.of(a, b)) {
            threads.add(new Thread(() -> {
                ready.countDown();
                try {
                    ready.await();
                    try (Installer installer = Installer.open(root, fast().withLockTimeout(Duration.ZERO))) {
                        installer.install(r.request(), target -> {
                            sleepQuietly(300); // hold the lock long enough for the other to try
                            r.source().writeVerifiedPayload(target);
                        });
                        outcomes.add(r.version());
                    }
                } catch (InstallStateException e) {
                    outcomes.add(e.failure());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) t.join();
        assertEquals(2, outcomes.size());
        assertTrue(outcomes.contains(Failure.STATE), outcomes.toString());
        SemVer installed = (SemVer) outcomes.stream().filter(o -> o instanceof SemVer).findFirst().orElseThrow();
        assertEquals(Optional.of(installed), current());
        assertEquals(Set.of(installed.toString()), versionDirs());
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void reinstallingAVersionStillOnDiskReusesItWithoutFetching() throws IOException {
        Release one = Releases.file("1.0.0", 100);
        Release two = Releases.file("2.0.0", 100);
        try (Installer installer = Installer.open(root, fast().withAllowDowngrade(true))) {
            installer.install(one.request(), one.source());
            installer.install(two.request(), two.source());
            InstallResult back = installer.install(one.request(), target -> {
                throw new IOException("must not fetch");
            });
            assertEquals(0, back.bytesFetched());
        }
        assertEquals(Optional.of(v("1.0.0")), current());
        assertEquals(List.of(v("2.0.0")),
                Installer.inspect(root).snapshots().stream().map(Snapshot::version).toList());
    }

    @Test
    void aCurrentThatIsNotOurSymlinkIsRefused() throws IOException {
        Files.createDirectories(root.resolve("current"));
        InstallStateException e = assertThrows(InstallStateException.class, () -> {
            try (Installer installer = Installer.open(root, fast())) {
                Release r = Releases.file("1.0.0", 10);
                installer.install(r.request(), r.source());
            }
        });
        assertTrue(e.getMessage().contains("not managed"), e.getMessage());
        assertFalse(Files.isSymbolicLink(root.resolve("current")));
    }
}
