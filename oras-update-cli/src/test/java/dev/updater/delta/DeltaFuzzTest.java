package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Mutated, truncated and hand-made hostile patches: each apply ends in a {@link PatchException} (leaving no file) or
 * in the exact new file, never in another exception. CI runs {@value #DEFAULT_COUNT} mutations; run more with
 * {@code mvn -B -o test -pl oras-update-cli -am -Dtest=DeltaFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Ddelta.fuzz.count=10000} (and {@code -Ddelta.fuzz.seed=N} to replay a run).
 */
class DeltaFuzzTest {
    static final int DEFAULT_COUNT = 1000;

    private static DeltaTestFiles files;
    private static Path oldFile;
    private static byte[] newData;
    private static byte[] ours;
    private static byte[] bsdiff;
    /** {@link #ours} with its body cut in blocks of 1500 bytes: mutations also hit the boundaries of xz streams. */
    private static byte[] oursInBlocks;
    /** The same patches with zstd bodies (the default), whole and in blocks of 1500 bytes. */
    private static byte[] oursZstd;
    private static byte[] oursZstdInBlocks;
    /** The decompressed body of {@link #ours}, mutated and recompressed behind a valid header. */
    private static byte[] oursBody;

    @BeforeAll
    static void makePatches() throws IOException {
        files = new DeltaTestFiles();
        byte[] oldData = DeltaTestFiles.codeLike(11, 12_000);
        newData = DeltaTestFiles.nextRelease(oldData, 12);
        oldFile = files.write("old", oldData);
        Path newFile = files.write("new", newData);
        DeltaEngine.diff(oldFile, newFile, files.dir.resolve("ours"), PatchFormat.UPDATER, PatchCompression.XZ);
        DeltaEngine.diff(oldFile, newFile, files.dir.resolve("bsdiff"), PatchFormat.BSDIFF40);
        ours = Files.readAllBytes(files.dir.resolve("ours"));
        DeltaPlan plan = DeltaTestFiles.plan(oldData, newData);
        oursInBlocks = DeltaTestFiles.patchInBlocks(oldData, newData, plan, 1500, 2);
        oursZstd = DeltaTestFiles.patchInBlocks(oldData, newData, plan, UpdaterFormat.XZ_BLOCK, 2,
                PatchCompression.ZSTD);
        oursZstdInBlocks = DeltaTestFiles.patchInBlocks(oldData, newData, plan, 1500, 2, PatchCompression.ZSTD);
        bsdiff = Files.readAllBytes(files.dir.resolve("bsdiff"));
        try (InputStream body = new XZInputStream(new ByteArrayInputStream(ours, UpdaterFormat.HEADER_SIZE,
                ours.length - UpdaterFormat.HEADER_SIZE))) {
            oursBody = body.readAllBytes();
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        files.close();
    }

    @Test
    void mutatedPatchesFailWithPatchExceptionOrApplyCorrectly() throws IOException {
        int count = Integer.getInteger("delta.fuzz.count", DEFAULT_COUNT);
        long seed = Long.getLong("delta.fuzz.seed", 20261127L);
        Random random = new Random(seed);
        Path out = files.dir.resolve("fuzz-out");
        int rejected = 0;
        List<String> wrong = new ArrayList<>();
        for (byte[] unmutated : List.of(oursInBlocks, oursZstd, oursZstdInBlocks)) {
            DeltaEngine.apply(oldFile, new ByteArrayInputStream(unmutated), PatchFormat.UPDATER, out);
            assertArrayEquals(newData, Files.readAllBytes(out), "the unmutated patch applies");
            Files.delete(out);
        }
        List<byte[]> ourPatches = List.of(ours, oursInBlocks, oursZstd, oursZstdInBlocks);
        for (int i = 0; i < count; i++) {
            PatchFormat format = i % 2 == 0 ? PatchFormat.UPDATER : PatchFormat.BSDIFF40;
            // A third of our patches get their decompressed body mutated: the compressed stream's own checks
            // would otherwise catch most mutations before the body parser sees them.
            byte[] patch = format == PatchFormat.UPDATER && i % 3 == 0
                    ? ourPatchWithBody(mutateBody(oursBody, random))
                    : mutate(format == PatchFormat.BSDIFF40 ? bsdiff : ourPatches.get(i / 2 % ourPatches.size()),
                            random);
            try {
                DeltaEngine.apply(oldFile, new ByteArrayInputStream(patch), format, out);
                if (!Arrays.equals(newData, Files.readAllBytes(out))) {
                    wrong.add("#" + i + " " + format + ": applied to a wrong result");
                }
                Files.delete(out);
            } catch (PatchException e) {
                rejected++;
                if (Files.exists(out)) {
                    wrong.add("#" + i + " " + format + ": output left behind after " + e.getMessage());
                }
            } catch (Exception | Error e) {
                wrong.add("#" + i + " " + format + ": " + e);
            }
        }
        System.out.printf("delta fuzz: %d mutated patches (seed %d): %d rejected with PatchException, %d applied "
                + "correctly, %d wrong%n", count, seed, rejected, count - rejected - wrong.size(), wrong.size());
        assertEquals(List.of(), wrong, "seed " + seed);
        assertTrue(rejected > count / 2, "most mutations must be caught, only " + rejected + " were");
        assertNoTemporaryFiles();
    }

    @Test
    void hostileHeadersAreRejectedBeforeAnyAllocation() {
        byte[] huge = ours.clone();
        PatchIo.writeLongBigEndian(huge, 24, Long.MAX_VALUE);
        assertRejected(huge, PatchFormat.UPDATER, "impossible sizes");

        byte[] otherSource = ours.clone();
        otherSource[40] ^= 1;
        assertRejected(otherSource, PatchFormat.UPDATER, "another version");

        byte[] hugeBsdiff = bsdiff.clone();
        PatchIo.writeBsdiffLong(hugeBsdiff, 24, Long.MAX_VALUE);
        assertRejected(hugeBsdiff, PatchFormat.BSDIFF40, "impossible new size");

        byte[] longStreams = bsdiff.clone();
        PatchIo.writeBsdiffLong(longStreams, 8, 1L << 50);
        assertRejected(longStreams, PatchFormat.BSDIFF40, "longer than");
    }

    /** Version 1 (absolute 8-byte positions, interleaved runs), which clients still apply. */
    @Test
    void hostileVersion1BodiesAreRejected() throws IOException {
        // A segment asking for a 1 GiB difference buffer.
        assertRejected(ourVersion1PatchWithBody(body(1, 1L << 30, 0)), PatchFormat.UPDATER, "limit");
        // A step reading past the end of the source file.
        assertRejected(ourVersion1PatchWithBody(body(1, 10, 0, 10, 0), position(1L << 20)), PatchFormat.UPDATER, "outside");
        // A step position that overflows when its length is added.
        assertRejected(ourVersion1PatchWithBody(body(1, 10, 0, 10, 0), position(Long.MAX_VALUE - 3)), PatchFormat.UPDATER,
                "outside");
        // A step producing nothing (would loop without progress).
        assertRejected(ourVersion1PatchWithBody(body(1, 0, 0, 0, 0), position(0)), PatchFormat.UPDATER, "empty step");
        // Step lengths that do not add up to the segment's totals.
        assertRejected(ourVersion1PatchWithBody(body(2, 4, 0, 1, 1, 0, 0), position(0), position(0)), PatchFormat.UPDATER,
                "totals");
        // Difference runs of zero length (would loop without progress).
        assertRejected(ourVersion1PatchWithBody(body(1, 4, 0, 4, 0), position(0), body(0, 0)), PatchFormat.UPDATER, "runs");
        // Difference runs whose lengths overflow when added.
        assertRejected(ourVersion1PatchWithBody(body(1, 4, 0, 4, 0), position(0), body((1L << 62) + 5, 1L << 62)),
                PatchFormat.UPDATER, "runs");
        // More output than the header promised.
        assertRejected(ourVersion1PatchWithBody(body(1, 0, (long) newData.length + 1)), PatchFormat.UPDATER, "past");
        // The body ends before the promised target is complete.
        assertRejected(ourVersion1PatchWithBody(body(0)), PatchFormat.UPDATER, "ends after");
        // The body ends in the middle of a segment.
        assertRejected(ourVersion1PatchWithBody(body(1, 4, 0, 4, 0)), PatchFormat.UPDATER, "ends in the middle");
    }

    /** Version 2, what the writer writes: relative positions, a layout byte before the runs. */
    @Test
    void hostileVersion2BodiesAreRejected() throws IOException {
        assertEquals(UpdaterFormat.VERSION, ours[8]);
        // A segment asking for a 1 GiB difference buffer.
        assertRejected(ourPatchWithBody(body(1, 1L << 30, 0)), PatchFormat.UPDATER, "limit");
        // A relative position past the end of the source, before its start, and one that overflows.
        assertRejected(ourPatchWithBody(body(1, 10, 0, 10, 0), signed(1L << 20)), PatchFormat.UPDATER, "outside");
        assertRejected(ourPatchWithBody(body(1, 10, 0, 10, 0), signed(-1)), PatchFormat.UPDATER, "outside");
        assertRejected(ourPatchWithBody(body(2, 10, 0, 5, 5, 0, 0), signed(0), signed(Long.MAX_VALUE >> 1)),
                PatchFormat.UPDATER, "outside");
        // The body ends before the differences' filter byte; a filter or a runs layout no writer writes.
        assertRejected(ourPatchWithBody(body(1, 4, 0, 4, 0), signed(0)), PatchFormat.UPDATER, "ends in the middle");
        assertRejected(ourPatchWithBody(body(1, 4, 0, 4, 0), signed(0), new byte[] {7}), PatchFormat.UPDATER,
                "differences under an unknown filter");
        assertRejected(ourPatchWithBody(body(1, 4, 0, 4, 0), signed(0), new byte[] {0, 7}), PatchFormat.UPDATER,
                "unknown layout");
        // Interleaved runs of zero length (would loop without progress).
        assertRejected(ourPatchWithBody(body(1, 4, 0, 4, 0), signed(0), new byte[] {0, 0}, body(0, 0)),
                PatchFormat.UPDATER, "runs");
        // Columns: more runs than difference bytes; more than the limit (before allocating for them); an empty
        // run; lengths that do not add up to the segment's total; lengths that overflow when added.
        byte[] columns = {UpdaterFormat.DIFFERENCES_PLAIN, UpdaterFormat.RUNS_IN_COLUMNS};
        assertRejected(ourPatchWithBody(body(1, 4, 0, 4, 0), signed(0), columns, body(5)), PatchFormat.UPDATER,
                "difference runs");
        assertRejected(ourPatchWithBody(body(1, 10_000, 0, 10_000, 0), signed(0), columns,
                body(UpdaterFormat.MAX_SEGMENT_RUNS + 1)), PatchFormat.UPDATER, "limit");
        assertRejected(ourPatchWithBody(body(1, 4, 0, 4, 0), signed(0), columns, body(2, 0, 4, 0, 0)),
                PatchFormat.UPDATER, "empty difference run");
        assertRejected(ourPatchWithBody(body(1, 4, 0, 4, 0), signed(0), columns, body(1, 2, 1)),
                PatchFormat.UPDATER, "add up");
        assertRejected(ourPatchWithBody(body(1, 4, 0, 4, 0), signed(0), columns, body(2, 1L << 62, 1L << 62)),
                PatchFormat.UPDATER, "add up");
        // The byte before the literals: missing, or a filter no writer writes.
        assertRejected(ourPatchWithBody(body(1, 0, 4, 0, 4), signed(0), new byte[] {0, 0}), PatchFormat.UPDATER,
                "ends in the middle");
        assertRejected(ourPatchWithBody(body(1, 0, 4, 0, 4), signed(0), new byte[] {0, 0, 9}), PatchFormat.UPDATER,
                "literals under an unknown filter");
        // The body ends in the middle of the columns' literal bytes.
        assertRejected(ourPatchWithBody(body(1, 4, 0, 4, 0), signed(0), columns, body(1, 0, 4), new byte[] {1}),
                PatchFormat.UPDATER, "ends in the middle");
    }

    @Test
    void aTargetSizeOtherThanTheExpectedOneIsRefusedBeforeWriting() throws IOException {
        Path out = files.dir.resolve("sized-out");
        for (PatchFormat format : PatchFormat.values()) {
            byte[] patch = format == PatchFormat.UPDATER ? ours : bsdiff;
            PatchException e = assertThrows(PatchException.class, () -> DeltaEngine.apply(oldFile,
                    new ByteArrayInputStream(patch), format, out, newData.length + 1L));
            assertTrue(e.getMessage().contains("expected"), e.getMessage());
            assertFalse(Files.exists(out));

            DeltaEngine.apply(oldFile, new ByteArrayInputStream(patch), format, out, newData.length);
            assertArrayEquals(newData, Files.readAllBytes(out));
            Files.delete(out);
        }
    }

    @Test
    void emptyAndGarbageStreamsAreRejected() {
        assertRejected(new byte[0], PatchFormat.UPDATER, "truncated");
        assertRejected(new byte[0], PatchFormat.BSDIFF40, "shorter");
        assertRejected("BSDIFF40 but nothing else of a patch".getBytes(), PatchFormat.UPDATER, "magic");
        assertRejected(ours, PatchFormat.BSDIFF40, "magic");
    }

    private static void assertRejected(byte[] patch, PatchFormat format, String messagePart) {
        Path out = files.dir.resolve("rejected-out");
        PatchException e = assertThrows(PatchException.class,
                () -> DeltaEngine.apply(oldFile, new ByteArrayInputStream(patch), format, out));
        assertTrue(e.getMessage().contains(messagePart), "message '" + e.getMessage() + "' should say " + messagePart);
        assertFalse(Files.exists(out));
    }

    private static void assertNoTemporaryFiles() throws IOException {
        try (Stream<Path> list = Files.list(files.dir)) {
            List<String> names = list.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("bsdiff", "new", "old", "ours"), names);
        }
    }

    /** A body of varints: the values given, in order. */
    private static byte[] body(long... varints) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (long v : varints) {
            PatchIo.writeVarint(b, v);
        }
        return b.toByteArray();
    }

    /** A step's 8-byte source position. */
    private static byte[] position(long value) {
        byte[] b = new byte[8];
        PatchIo.writeLongBigEndian(b, 0, value);
        return b;
    }

    /** A step's source position in version 2: a zigzag varint relative to the previous step's end. */
    private static byte[] signed(long value) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PatchIo.writeSignedVarint(b, value);
        return b.toByteArray();
    }

    /** {@link #ourPatchWithBody}, with the header's format version set to 1. */
    private static byte[] ourVersion1PatchWithBody(byte[]... parts) throws IOException {
        byte[] patch = ourPatchWithBody(parts);
        patch[8] = UpdaterFormat.VERSION_1;
        return patch;
    }

    /** Our header for the test's old/new pair (valid digests) over a hand-made, properly compressed body. */
    private static byte[] ourPatchWithBody(byte[]... parts) throws IOException {
        ByteArrayOutputStream patch = new ByteArrayOutputStream();
        patch.write(ours, 0, UpdaterFormat.HEADER_SIZE);
        try (XZOutputStream xz = new XZOutputStream(patch, new LZMA2Options(1))) {
            for (byte[] part : parts) {
                xz.write(part);
            }
        }
        return patch.toByteArray();
    }

    /** Mutations aimed at the body's numbers: huge varints, overwritten bytes, truncation, spliced copies. */
    private static byte[] mutateBody(byte[] body, Random random) {
        byte[] b = body.clone();
        switch (random.nextInt(4)) {
            case 0 -> { // a huge varint (up to 63 bits) over whatever was there
                int at = random.nextInt(b.length);
                int length = 1 + random.nextInt(9);
                for (int k = 0; k < length && at + k < b.length; k++) {
                    b[at + k] = (byte) (k == length - 1 ? random.nextInt(0x80) : 0x80 | random.nextInt(0x80));
                }
            }
            case 1 -> { // a few random bytes
                for (int k = 1 + random.nextInt(4); k > 0; k--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            case 2 -> { // truncated
                return Arrays.copyOf(b, random.nextInt(b.length));
            }
            default -> { // a slice of the body copied over another place
                int from = random.nextInt(b.length);
                int to = random.nextInt(b.length);
                int length = Math.min(1 + random.nextInt(64), Math.min(b.length - from, b.length - to));
                System.arraycopy(body, from, b, to, length);
            }
        }
        return b;
    }

    private static byte[] mutate(byte[] patch, Random random) {
        byte[] p = patch.clone();
        switch (random.nextInt(8)) {
            case 0 -> { // truncate anywhere
                return Arrays.copyOf(p, random.nextInt(p.length));
            }
            case 1 -> { // flip a few bits
                for (int k = 1 + random.nextInt(4); k > 0; k--) {
                    p[random.nextInt(p.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 2 -> { // overwrite a run with random bytes
                int at = random.nextInt(p.length);
                for (int k = random.nextInt(16); k > 0 && at < p.length; k--) {
                    p[at++] = (byte) random.nextInt(256);
                }
            }
            case 3 -> { // corrupt a header byte (sizes, lengths, digests, version)
                int headerSize = p.length > 32 && p[0] == 'B' ? 32 : UpdaterFormat.HEADER_SIZE;
                p[random.nextInt(Math.min(headerSize, p.length))] = (byte) random.nextInt(256);
            }
            case 4 -> { // insert random bytes
                int at = random.nextInt(p.length + 1);
                byte[] extra = new byte[1 + random.nextInt(8)];
                random.nextBytes(extra);
                byte[] grown = new byte[p.length + extra.length];
                System.arraycopy(p, 0, grown, 0, at);
                System.arraycopy(extra, 0, grown, at, extra.length);
                System.arraycopy(p, at, grown, at + extra.length, p.length - at);
                return grown;
            }
            case 5 -> { // delete a range
                int at = random.nextInt(p.length);
                int length = Math.min(p.length - at, 1 + random.nextInt(32));
                byte[] shrunk = new byte[p.length - length];
                System.arraycopy(p, 0, shrunk, 0, at);
                System.arraycopy(p, at + length, shrunk, at, p.length - at - length);
                return shrunk;
            }
            case 6 -> { // zero a range
                int at = random.nextInt(p.length);
                Arrays.fill(p, at, Math.min(p.length, at + 1 + random.nextInt(64)), (byte) 0);
            }
            default -> { // append garbage
                byte[] tail = new byte[1 + random.nextInt(16)];
                random.nextBytes(tail);
                byte[] grown = Arrays.copyOf(p, p.length + tail.length);
                System.arraycopy(tail, 0, grown, p.length, tail.length);
                return grown;
            }
        }
        return p;
    }
}
