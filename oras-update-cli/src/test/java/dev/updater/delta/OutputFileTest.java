package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFileTest {
    @TempDir
    Path dir;

    /** Several times the hasher's buffer pool, in pieces that straddle buffer boundaries both ways. */
    private static byte[] data() {
        byte[] data = new byte[ParallelDigest.BUFFER * 13 + 12_345];
        new Random(7).nextBytes(data);
        return data;
    }

    @Test
    void copiedAndInPlaceWritesGiveTheBytesAndDigestOfTheWholeStream() throws IOException {
        byte[] data = data();
        Path destination = dir.resolve("out");
        Random sizes = new Random(11);
        try (OutputFile out = new OutputFile(destination)) {
            int at = 0;
            while (at < data.length) {
                int n = Math.min(data.length - at, 1 + sizes.nextInt(ParallelDigest.BUFFER / 2));
                if (sizes.nextBoolean()) {
                    out.write(data, at, n);
                } else {
                    int inPlace = Math.min(n, out.room());
                    System.arraycopy(data, at, out.buffer(), out.offset(), inPlace);
                    out.advance(inPlace);
                    n = inPlace;
                }
                at += n;
            }
            assertEquals(data.length, out.written());
            assertArrayEquals(Sha256.of(data), out.sha256());
            out.commit();
        }
        assertArrayEquals(data, Files.readAllBytes(destination));
        assertEquals(1, fileCount());
    }

    @Test
    void closingWithoutCommitLeavesNothing() throws IOException {
        byte[] data = data();
        for (OutputFile out : new OutputFile[] {new OutputFile(dir.resolve("a")), OutputFile.unhashed(dir.resolve("b"))}) {
            try (out) {
                out.write(data, 0, data.length);
            }
        }
        assertEquals(0, fileCount());
        assertFalse(Files.exists(dir.resolve("a")));
    }

    @Test
    void sourceDigestMatchesAPlainDigest() throws IOException {
        byte[] data = data();
        Path file = Files.write(dir.resolve("source"), data);
        try (OldFile old = new OldFile(file); SourceDigest digest = new SourceDigest(old)) {
            assertArrayEquals(Sha256.of(data), digest.await());
        }
    }

    private long fileCount() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> !p.getFileName().toString().equals("source")).count();
        }
    }
}
