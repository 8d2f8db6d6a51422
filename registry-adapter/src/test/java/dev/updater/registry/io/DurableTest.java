package dev.updater.registry.io;

import dev.updater.registry.testing.Tmpfs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.LocalFileException;
import dev.updater.schema.Failure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Durable}: a file is complete or absent (or still the old one) after a write, whatever happens to the
 * writer; the data is forced before the rename and the directory after it; a full or read-only file system is a
 * {@link LocalFileException} that leaves the old file and no temporary file. Full and read-only are real: small
 * tmpfs mounts (we run as root, in CI too); a refused mount fails the test, it does not skip.
 */
class DurableTest {
    @TempDir
    Path dir;

    private final Tmpfs disks = new Tmpfs();

    @AfterEach
    void unmount() throws Exception {
        Durable.syncObserver = p -> { };
        disks.close();
    }

    private Path tmpfs(String name, String options) throws Exception {
        return disks.mount(dir, name, options);
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aWriteReplacesTheFileSyncingItsDataBeforeTheRenameAndTheDirectoryAfter() throws Exception {
        Path target = dir.resolve("state.json");
        Durable.write(target, ascii("old"));
        List<Path> synced = Collections.synchronizedList(new ArrayList<>());
        Durable.syncObserver = synced::add;

        Durable.write(target, ascii("new"));

        assertEquals("new", Files.readString(target));
        assertEquals(List.of("state.json"), names(dir), "no temporary file stays");
        assertEquals(2, synced.size(), synced::toString);
        assertTrue(Durable.isTemporary(synced.get(0)), "first the new content, under its temporary name: " + synced);
        assertEquals(dir.toAbsolutePath(), synced.get(1), "then the directory holding the renamed entry");
    }

    @Test
    void anExplicitModeIsExactAndTheDefaultFollowsTheUmask() throws Exception {
        Path key = dir.resolve("key.pem");
        Durable.write(key, ascii("secret"), Durable.OWNER_ONLY);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        Path shared = dir.resolve("shared");
        Durable.write(shared, ascii("all"), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)),
                "not narrowed by the umask");
        Path plain = dir.resolve("plain");
        Durable.write(plain, ascii("x"));
        Path reference = Files.createFile(dir.resolve("reference"));
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(plain));
    }

    @Test
    void aContentThatFailsLeavesTheOldFileAndNoTemporary() throws Exception {
        Path target = dir.resolve("blob");
        Durable.write(target, ascii("old"));
        IOException sourceFailure = new IOException("connection reset");

        IOException thrown = assertThrows(IOException.class, () -> Durable.write(target, out -> {
            out.write(new byte[100_000]);
            throw sourceFailure;
        }));

        assertSame(sourceFailure, thrown, "the source's own failure is not a local write failure");
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("blob"), names(dir));
        try (Durable.Pending pending = Durable.create(dir.resolve("never"))) {
            pending.write(java.nio.ByteBuffer.wrap(ascii("abandoned")));
        }
        assertEquals(List.of("blob"), names(dir), "a pending file closed without a commit is deleted");
    }

    @Test
    void aWriterKilledAtAnyMomentLeavesACompleteFileOrNone() throws Exception {
        Random random = new Random();
        for (int round = 0; round < 8; round++) {
            Path target = dir.resolve("round-" + round).resolve("file");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xshare:auto", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    DurableWriterChild.class.getName(), target.toString()).redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8));
                assertEquals("WRITING", out.readLine(), "the writer did not start");
                Thread.sleep(random.nextInt(150));
            } finally {
                child.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs in the child
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            }
            byte[] content = Files.readAllBytes(target);
            assertEquals(DurableWriterChild.SIZE, content.length, "round " + round + ": a torn file");
            for (byte b : content) {
                if (b != content[0]) {
                    throw new AssertionError("round " + round + ": a file mixing two writes");
                }
            }
        }
    }

    @Test
    void aFullFileSystemIsLocalFileExceptionAndKeepsTheOldFile() throws Exception {
        Path disk = tmpfs("full", "size=1m");
        Path target = disk.resolve("index.json");
        Durable.write(target, ascii("old"));

        LocalFileException e = assertThrows(LocalFileException.class,
                () -> Durable.write(target, new byte[2 * 1024 * 1024]));

        assertEquals(Failure.STATE, e.failure());
        assertTrue(e.getMessage().contains("cannot write " + target), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("index.json"), names(disk), "the temporary file is gone");
        assertThrows(LocalFileException.class, () -> Durable.write(disk.resolve("stream"), out -> {
            out.write(new byte[2 * 1024 * 1024]);
        }));
        assertEquals(List.of("index.json"), names(disk));
    }

    @Test
    void aReadOnlyFileSystemIsLocalFileExceptionAndKeepsTheOldFile() throws Exception {
        Path disk = tmpfs("ro", "size=1m");
        Path target = disk.resolve("journal");
        Durable.write(target, ascii("old"));
        disks.remount(disk, "ro");
        try {
            LocalFileException e = assertThrows(LocalFileException.class, () -> Durable.write(target, ascii("new")));
            assertTrue(e.getMessage().contains("Read-only file system"), e.getMessage());
            assertThrows(LocalFileException.class, () -> Durable.appendLine(disk.resolve("log"), "line", true));
            assertEquals("old", Files.readString(target));
        } finally {
            disks.remount(disk, "rw");
        }
    }

    @Test
    void aMoveAcrossFileSystemsCopiesThroughASyncedSiblingWithTheMode() throws Exception {
        Path disk = tmpfs("other", "size=4m");
        Path source = Files.write(dir.resolve("download.part"), ascii("payload"));
        Path target = disk.resolve("bin").resolve("app");
        Files.createDirectories(target.getParent());
        Files.writeString(target, "old");

        Durable.move(source, target, PosixFilePermissions.fromString("r-x------"));

        assertEquals("payload", Files.readString(target));
        assertEquals("r-x------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertFalse(Files.exists(source));
        assertEquals(List.of("app"), names(target.getParent()));

        Path again = Files.write(dir.resolve("again.part"), ascii("same file system"));
        Path missingParent = dir.resolve("out").resolve("app");
        Durable.move(again, missingParent);
        assertEquals("same file system", Files.readString(missingParent), "the target's directory is made");
    }

    @Test
    void aTornLogLineIsEndedAndOnlyTemporariesAreCleanedUp() throws Exception {
        Path log = dir.resolve("events.jsonl");
        Durable.appendLine(log, "{\"a\":1}", true);
        Files.write(log, ascii("{\"b\""), java.nio.file.StandardOpenOption.APPEND); // a crash mid-line
        Durable.terminateTornLine(log);
        Durable.appendLine(log, "{\"c\":3}", false);
        assertEquals(List.of("{\"a\":1}", "{\"b\"", "{\"c\":3}"), Files.readAllLines(log));

        Path stale = Files.createFile(dir.resolve(".journal.0123456789abcdef.tmp"));
        assertTrue(Durable.isTemporary(stale));
        Durable.removeTemporaries(dir);
        assertEquals(List.of("events.jsonl"), names(dir));
    }
}
