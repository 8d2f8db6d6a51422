package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * The header's compression byte: 3 (the writer's: one xz stream per body block) and 2 (one xz stream, what earlier
 * versions wrote) both apply; a body that does not match its id, or bytes past the body's end, are refused.
 */
class UpdaterCompressionTest {
    private final byte[] oldData = DeltaTestFiles.codeLike(21, 80_000);
    private final byte[] newData = DeltaTestFiles.nextRelease(oldData, 22);
    private final DeltaPlan plan = DeltaTestFiles.plan(oldData, newData);

    @Test
    void theWriterCutsTheBodyInBlocksAndMarksItSo() throws IOException {
        byte[] patch = DeltaTestFiles.patchInBlocks(oldData, newData, plan, 1000, 2);
        assertTrue(patch[9] == UpdaterFormat.COMPRESSION_XZ_BLOCKS);
        assertTrue(streamsIn(patch) > 1, streamsIn(patch) + " xz streams");
        assertArrayEquals(newData, apply(patch));
    }

    /**
     * Blocks made mostly of difference runs end at half the block size (they compress as well, and sooner); blocks
     * mostly of literals (new bytes) go to the full size, where their matches reach further back.
     */
    @Test
    void blocksOfDifferencesEndAtHalfSizeAndBlocksOfLiteralsAtFullSize() throws IOException {
        int blockBytes = 400;
        byte[] differences = DeltaTestFiles.patchInBlocks(oldData, newData, plan, blockBytes, 2);
        long differencesBody = bodyLength(differences);
        assertTrue(differencesBody >= 5 * blockBytes, differencesBody + " body bytes");
        // Some blocks hold the literals of a few steps and go to full size; most end at half.
        assertTrue(differencesBody / streamsIn(differences) <= blockBytes * 3 / 4,
                streamsIn(differences) + " streams for " + differencesBody + " body bytes");

        byte[] unrelated = new java.util.Random(5).ints(60_000, 0, 256).collect(java.io.ByteArrayOutputStream::new,
                (out, b) -> out.write(b), (a, b) -> a.writeBytes(b.toByteArray())).toByteArray();
        byte[] literals = DeltaTestFiles.patchInBlocks(oldData, unrelated, DeltaTestFiles.plan(oldData, unrelated), blockBytes, 2);
        long literalsBody = bodyLength(literals);
        assertTrue(streamsIn(literals) <= literalsBody / blockBytes + 1,
                streamsIn(literals) + " streams for " + literalsBody + " body bytes");
    }

    private static long bodyLength(byte[] patch) throws IOException {
        try (InputStream body = new XZInputStream(new ByteArrayInputStream(patch, UpdaterFormat.HEADER_SIZE,
                patch.length - UpdaterFormat.HEADER_SIZE))) {
            return body.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    @Test
    void aSingleStreamPatchOfCompressionTwoStillApplies() throws IOException {
        byte[] patch = DeltaTestFiles.patchInBlocks(oldData, newData, plan, Integer.MAX_VALUE / 2, 1);
        assertTrue(streamsIn(patch) == 1);
        patch[9] = UpdaterFormat.COMPRESSION_XZ;
        assertArrayEquals(newData, apply(patch));
    }

    @Test
    void severalStreamsUnderCompressionTwoAreRefused() throws IOException {
        byte[] patch = DeltaTestFiles.patchInBlocks(oldData, newData, plan, 1000, 2);
        patch[9] = UpdaterFormat.COMPRESSION_XZ;
        assertRefused(patch, "");
    }

    @Test
    void anUnknownCompressionIsRefusedWithAdvice() throws IOException {
        byte[] patch = DeltaTestFiles.patchInBlocks(oldData, newData, plan, 1000, 2);
        patch[9] = 4;
        assertRefused(patch, "fetch the full payload");
    }

    /** A further, valid xz stream after the end marker: the body must end there. */
    @Test
    void aStreamAfterTheEndMarkerIsRefused() throws IOException {
        byte[] patch = DeltaTestFiles.patchInBlocks(oldData, newData, plan, 1000, 2);
        ByteArrayOutputStream extended = new ByteArrayOutputStream();
        extended.write(patch);
        try (XZOutputStream xz = new XZOutputStream(extended, new LZMA2Options(1))) {
            xz.write(new byte[] {1, 2, 3});
        }
        assertRefused(extended.toByteArray(), "");
    }

    @Test
    void garbageAfterTheLastStreamIsRefused() throws IOException {
        byte[] patch = DeltaTestFiles.patchInBlocks(oldData, newData, plan, 1000, 2);
        byte[] extended = java.util.Arrays.copyOf(patch, patch.length + 16);
        extended[patch.length] = 'x';
        assertRefused(extended, "");
    }

    private void assertRefused(byte[] patch, String expectedMessage) throws IOException {
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            Path rebuilt = files.dir.resolve("rebuilt");
            PatchException e = assertThrows(PatchException.class, () -> DeltaEngine.apply(
                    files.write("old", oldData), new ByteArrayInputStream(patch), PatchFormat.UPDATER, rebuilt));
            assertTrue(e.getMessage().contains(expectedMessage), e.getMessage());
            assertFalse(Files.exists(rebuilt));
        }
    }

    private byte[] apply(byte[] patch) throws IOException {
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            Path rebuilt = files.dir.resolve("rebuilt");
            DeltaEngine.apply(files.write("old", oldData), new ByteArrayInputStream(patch), PatchFormat.UPDATER,
                    rebuilt);
            return Files.readAllBytes(rebuilt);
        }
    }

    /** xz stream headers in the body: the magic bytes FD 37 7A 58 5A 00. */
    private static int streamsIn(byte[] patch) {
        int streams = 0;
        for (int i = UpdaterFormat.HEADER_SIZE; i + 6 <= patch.length; i++) {
            if ((patch[i] & 0xff) == 0xFD && patch[i + 1] == '7' && patch[i + 2] == 'z' && patch[i + 3] == 'X'
                    && patch[i + 4] == 'Z' && patch[i + 5] == 0) {
                streams++;
            }
        }
        return streams;
    }
}
