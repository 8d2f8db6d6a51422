package dev.updater.delta;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/** Scratch directories and corpus-like inputs for the delta tests. */
final class DeltaTestFiles implements AutoCloseable {
    final Path dir;

    DeltaTestFiles() {
        try {
            dir = Files.createTempDirectory("delta-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    /** diff then apply through the public API; returns the patch and the rebuilt new file. */
    byte[] roundTrip(byte[] oldData, byte[] newData, PatchFormat format) throws IOException {
        Path oldFile = write("old", oldData);
        Path newFile = write("new", newData);
        Path patch = dir.resolve("patch");
        Path rebuilt = dir.resolve("rebuilt");
        DeltaEngine.diff(oldFile, newFile, patch, format);
        try (InputStream in = Files.newInputStream(patch)) {
            DeltaEngine.apply(oldFile, in, format, rebuilt);
        }
        return Files.readAllBytes(rebuilt);
    }

    /** The differ's plan of {@code newData}, matched whole on one thread (full suffix array). */
    static DeltaPlan plan(byte[] oldData, byte[] newData) {
        try (Differ.Slices slices = Differ.planInSlices(oldData, SuffixArrays.of(oldData), newData, 1,
                Integer.MAX_VALUE, Differ.STREAM_SLICE)) {
            return slices.whole();
        }
    }

    /** {@code plan} written in our format with the body cut in blocks of {@code blockBytes}, on {@code threads}. */
    static byte[] patchInBlocks(byte[] oldData, byte[] newData, DeltaPlan plan, int blockBytes, int threads)
            throws IOException {
        return patchInBlocks(oldData, newData, plan, blockBytes, threads, PatchCompression.XZ);
    }

    /** As above, the body compressed with {@code compression}. */
    static byte[] patchInBlocks(byte[] oldData, byte[] newData, DeltaPlan plan, int blockBytes, int threads,
            PatchCompression compression) throws IOException {
        java.io.ByteArrayOutputStream patch = new java.io.ByteArrayOutputStream();
        UpdaterPatchWriter.write(oldData, newData, Sha256.of(oldData), Sha256.of(newData),
                UpdaterPatchWriter.whole(plan), patch, compression, blockBytes, threads);
        return patch.toByteArray();
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Bytes that look like machine code and data: repeated instruction-like patterns, little-endian pointers into
     * the file, strings and zero padding. Deterministic for a seed.
     */
    static byte[] codeLike(long seed, int size) {
        Random random = new Random(seed);
        byte[] b = new byte[size];
        int i = 0;
        while (i < size) {
            int kind = random.nextInt(10);
            if (kind < 5) {
                int[] opcodes = {0x48, 0x89, 0x8b, 0xe8, 0x0f, 0x85, 0xc3, 0x55};
                b[i++] = (byte) opcodes[random.nextInt(opcodes.length)];
            } else if (kind < 8 && i + 4 <= size) {
                int pointer = 0x400000 + random.nextInt(Math.max(1, size));
                for (int k = 0; k < 4; k++) {
                    b[i++] = (byte) (pointer >>> (8 * k));
                }
            } else if (kind == 8) {
                String s = "symbol_" + random.nextInt(500) + "\0";
                for (int k = 0; k < s.length() && i < size; k++) {
                    b[i++] = (byte) s.charAt(k);
                }
            } else {
                i = Math.min(size, i + random.nextInt(32));
            }
        }
        return b;
    }

    /** A "next release" of {@code old}: edits, shifted pointers, an insertion and a deletion. */
    static byte[] nextRelease(byte[] old, long seed) {
        Random random = new Random(seed);
        byte[] b = old.clone();
        for (int e = 0; e < 10 && b.length > 300; e++) {
            int at = random.nextInt(b.length - 300);
            for (int k = random.nextInt(200); k > 0; k--) {
                b[at + k] = (byte) random.nextInt(256);
            }
        }
        for (int f = 0; f < 100 && b.length > 8; f++) {
            int at = random.nextInt(b.length - 4) & ~3;
            b[at] += 0x10;
        }
        int insertAt = b.length / 3;
        byte[] inserted = codeLike(seed + 1, 2048);
        byte[] grown = new byte[b.length + inserted.length];
        System.arraycopy(b, 0, grown, 0, insertAt);
        System.arraycopy(inserted, 0, grown, insertAt, inserted.length);
        System.arraycopy(b, insertAt, grown, insertAt + inserted.length, b.length - insertAt);
        int deleteAt = grown.length * 2 / 3;
        int deleted = Math.min(1500, grown.length - deleteAt);
        byte[] result = new byte[grown.length - deleted];
        System.arraycopy(grown, 0, result, 0, deleteAt);
        System.arraycopy(grown, deleteAt + deleted, result, deleteAt, grown.length - deleteAt - deleted);
        return result;
    }
}
