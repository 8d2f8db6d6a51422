package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.IntRange;

/** patch(old, diff(old, new)) == new, for both formats, over random and structured pairs. */
class DeltaRoundTripProperties {

    @Property(tries = 70)
    void roundTripsInOurFormat(@ForAll("pairs") Tuple2<byte[], byte[]> pair) throws IOException {
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            assertArrayEquals(pair.get2(), files.roundTrip(pair.get1(), pair.get2(), PatchFormat.UPDATER));
        }
    }

    @Property(tries = 70)
    void roundTripsInBsdiff40(@ForAll("pairs") Tuple2<byte[], byte[]> pair) throws IOException {
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            assertArrayEquals(pair.get2(), files.roundTrip(pair.get1(), pair.get2(), PatchFormat.BSDIFF40));
        }
    }

    /** The parallel differ cuts the new file in slices; plans made that way must rebuild it exactly too. */
    @Property(tries = 30)
    void slicedPlansRoundTrip(@ForAll("pairs") Tuple2<byte[], byte[]> pair) throws IOException {
        byte[] oldData = pair.get1();
        byte[] newData = pair.get2();
        java.io.ByteArrayOutputStream patch = new java.io.ByteArrayOutputStream();
        try (Differ.Slices slices = Differ.planInSlices(oldData, SuffixArrays.of(oldData), newData, 3, 0,
                1 + newData.length / 3)) {
            UpdaterPatchWriter.write(oldData, newData, slices.whole(), patch);
        }
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            java.nio.file.Path oldFile = files.write("old", oldData);
            java.nio.file.Path rebuilt = files.dir.resolve("rebuilt");
            DeltaEngine.apply(oldFile, new java.io.ByteArrayInputStream(patch.toByteArray()), PatchFormat.UPDATER,
                    rebuilt);
            assertArrayEquals(newData, java.nio.file.Files.readAllBytes(rebuilt));
        }
    }

    /** The patch bytes depend on the inputs alone: a publisher on a machine with more cores makes the same patch. */
    @Property(tries = 20)
    void patchesDoNotDependOnTheNumberOfThreads(@ForAll("pairs") Tuple2<byte[], byte[]> pair) throws IOException {
        byte[] oneThread = patchWithThreads(pair.get1(), pair.get2(), 1);
        for (int threads : new int[] {2, 3, 4}) {
            assertArrayEquals(oneThread, patchWithThreads(pair.get1(), pair.get2(), threads));
        }
    }

    private static byte[] patchWithThreads(byte[] oldData, byte[] newData, int threads) throws IOException {
        java.io.ByteArrayOutputStream patch = new java.io.ByteArrayOutputStream();
        int step = Differ.SAMPLE_STEP;
        try (Differ.Slices slices = Differ.planInSlices(oldData, SuffixArrays.sampled(oldData, step),
                new OldIndex(oldData, step), newData, threads, 0, 1 + newData.length / 5)) {
            UpdaterPatchWriter.write(oldData, newData, slices.whole(), patch);
        }
        return patch.toByteArray();
    }

    /**
     * Skipping the search where the running alignment's next bytes occur nowhere else in the old file must not
     * change a single step: same patch bytes as searching everywhere, for both suffix arrays.
     */
    @Property(tries = 30)
    void skippedSearchesFindWhatSearchingFinds(@ForAll("pairs") Tuple2<byte[], byte[]> pair,
            @ForAll @IntRange(min = 0, max = 1) int sampled) throws IOException {
        byte[] oldData = pair.get1();
        byte[] newData = pair.get2();
        int step = sampled == 1 ? Differ.SAMPLE_STEP : 1;
        int[] suffixes = SuffixArrays.sampled(oldData, step);
        java.io.ByteArrayOutputStream skipping = new java.io.ByteArrayOutputStream();
        try (Differ.Slices slices = Differ.planInSlices(oldData, suffixes, new OldIndex(oldData, step),
                newData, 2, 0, 1 + newData.length / 3)) {
            UpdaterPatchWriter.write(oldData, newData, slices.whole(), skipping);
        }
        java.io.ByteArrayOutputStream searching = new java.io.ByteArrayOutputStream();
        try (Differ.Slices slices = Differ.planInSlices(oldData, suffixes,
                OldIndex.searchingEverywhere(oldData, step), newData, 2, 0, 1 + newData.length / 3)) {
            UpdaterPatchWriter.write(oldData, newData, slices.whole(), searching);
        }
        assertArrayEquals(searching.toByteArray(), skipping.toByteArray());
    }

    /**
     * The body cut in many small xz streams (anywhere: inside a segment, a varint, a run) still rebuilds the new
     * file, and the bytes do not depend on how many blocks are compressed at once.
     */
    @Property(tries = 30)
    void bodiesInManyBlocksRoundTripWhateverTheCompressionThreads(@ForAll("pairs") Tuple2<byte[], byte[]> pair,
            @ForAll @IntRange(min = 64, max = 20_000) int blockBytes) throws IOException {
        byte[] oldData = pair.get1();
        byte[] newData = pair.get2();
        DeltaPlan plan = DeltaTestFiles.plan(oldData, newData);
        byte[] oneThread = DeltaTestFiles.patchInBlocks(oldData, newData, plan, blockBytes, 1);
        assertArrayEquals(oneThread, DeltaTestFiles.patchInBlocks(oldData, newData, plan, blockBytes, 3));
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            java.nio.file.Path rebuilt = files.dir.resolve("rebuilt");
            DeltaEngine.apply(files.write("old", oldData), new java.io.ByteArrayInputStream(oneThread),
                    PatchFormat.UPDATER, rebuilt);
            assertArrayEquals(newData, java.nio.file.Files.readAllBytes(rebuilt));
        }
    }

    /** Writing slices while they are matched must give the bytes of the same plan written whole. */
    @Property(tries = 30)
    void streamedSlicesWriteTheSameBytesAsTheWholePlan(@ForAll("pairs") Tuple2<byte[], byte[]> pair)
            throws IOException {
        byte[] oldData = pair.get1();
        byte[] newData = pair.get2();
        int[] suffixes = SuffixArrays.of(oldData);
        java.io.ByteArrayOutputStream streamed = new java.io.ByteArrayOutputStream();
        DeltaPlan whole;
        try (Differ.Slices slices = Differ.planInSlices(oldData, suffixes, newData, 2, 0, 1 + newData.length / 5)) {
            UpdaterPatchWriter.write(oldData, newData, Sha256.of(oldData), Sha256.of(newData), slices, streamed);
        }
        try (Differ.Slices slices = Differ.planInSlices(oldData, suffixes, newData, 2, 0, 1 + newData.length / 5)) {
            whole = slices.whole();
        }
        java.io.ByteArrayOutputStream direct = new java.io.ByteArrayOutputStream();
        UpdaterPatchWriter.write(oldData, newData, whole, direct);
        assertArrayEquals(direct.toByteArray(), streamed.toByteArray());
    }

    /**
     * A slice of a file whose bytes did not move (only scattered bytes changed, as relocated addresses do) starts
     * on the alignment it had: one step per slice, no literals.
     */
    @Example
    void slicesOfAnUnmovedFileAreSingleAlignedSteps() {
        byte[] oldData = DeltaTestFiles.codeLike(3, 100_000);
        byte[] newData = oldData.clone();
        for (int i = 0; i < newData.length; i += 500) {
            newData[i]++;
        }
        try (Differ.Slices slices = Differ.planInSlices(oldData, SuffixArrays.of(oldData), newData, 2, 0, 10_000)) {
            DeltaPlan plan = slices.whole();
            long copied = 0;
            for (int step = 0; step < plan.size(); step++) {
                copied += plan.copyLength(step);
            }
            assertTrue(plan.size() <= 10, plan.size() + " steps");
            assertTrue(copied == 0, copied + " literal bytes");
        }
    }

    @Example
    void similarFilesGiveSmallPatches() throws IOException {
        byte[] oldData = DeltaTestFiles.codeLike(7, 200_000);
        byte[] newData = DeltaTestFiles.nextRelease(oldData, 8);
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            assertArrayEquals(newData, files.roundTrip(oldData, newData, PatchFormat.UPDATER));
            long patchSize = java.nio.file.Files.size(files.dir.resolve("patch"));
            assertTrue(patchSize < newData.length / 20, "patch of " + patchSize + " bytes for a small edit");
        }
    }

    /**
     * Matching against the suffixes at every eighth old position (what diff uses) finds the alignments the full
     * suffix array finds: on code-like releases its patch is at most 3% larger, and it rebuilds the new file.
     */
    @Property(tries = 8)
    void sampledSuffixArraysMatchAsWellAsFullOnes(@ForAll long seed) throws IOException {
        byte[] oldData = DeltaTestFiles.codeLike(seed, 150_000);
        byte[] newData = DeltaTestFiles.nextRelease(oldData, seed + 1);
        byte[] full = patchWithStep(oldData, newData, 1);
        byte[] sampled = patchWithStep(oldData, newData, Differ.SAMPLE_STEP);
        assertTrue(sampled.length <= full.length * 1.03, sampled.length + " bytes sampled vs " + full.length);
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            java.nio.file.Path rebuilt = files.dir.resolve("rebuilt");
            DeltaEngine.apply(files.write("old", oldData), new java.io.ByteArrayInputStream(sampled),
                    PatchFormat.UPDATER, rebuilt);
            assertArrayEquals(newData, java.nio.file.Files.readAllBytes(rebuilt));
        }
    }

    private static byte[] patchWithStep(byte[] oldData, byte[] newData, int step) throws IOException {
        java.io.ByteArrayOutputStream patch = new java.io.ByteArrayOutputStream();
        try (Differ.Slices slices = Differ.planInSlices(oldData, SuffixArrays.sampled(oldData, step),
                new OldIndex(oldData, step), newData, 2, 0, 1 + newData.length / 3)) {
            UpdaterPatchWriter.write(oldData, newData, slices.whole(), patch);
        }
        return patch.toByteArray();
    }

    @Example
    void identicalFilesGiveATinyPatch() throws IOException {
        byte[] data = DeltaTestFiles.codeLike(3, 300_000);
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            assertArrayEquals(data, files.roundTrip(data, data, PatchFormat.UPDATER));
            assertTrue(java.nio.file.Files.size(files.dir.resolve("patch")) < 300);
        }
    }

    @Provide
    Arbitrary<Tuple2<byte[], byte[]>> pairs() {
        Arbitrary<byte[]> base = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(3000),
                Arbitraries.bytes().between((byte) 0, (byte) 3).array(byte[].class).ofMaxSize(3000),
                Arbitraries.longs().flatMap(seed -> Arbitraries.integers().between(0, 20_000)
                        .map(size -> DeltaTestFiles.codeLike(seed, size))),
                Arbitraries.integers().between(0, 20_000).map(byte[]::new));
        return Arbitraries.oneOf(
                Combinators.combine(base, base).as(Tuple::of),
                base.map(b -> Tuple.of(new byte[0], b)),
                base.map(b -> Tuple.of(b, new byte[0])),
                base.map(b -> Tuple.of(b, b.clone())),
                Combinators.combine(base, edits()).as((b, edit) -> Tuple.of(b, edit.apply(b))));
    }

    private interface Edit {
        byte[] apply(byte[] old);
    }

    /** Inserts, deletes, shifts, repeated blocks, large zero runs and scattered byte edits, alone or chained. */
    private Arbitrary<Edit> edits() {
        Arbitrary<Edit> one = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 5000).map(n -> old -> splice(old, old.length / 2, 0, random(n))),
                Arbitraries.integers().between(1, 5000).map(n -> old -> splice(old, old.length / 3, n, new byte[0])),
                Arbitraries.integers().between(1, 4000).map(n -> old -> concat(Arrays.copyOfRange(old,
                        Math.min(n, old.length), old.length), Arrays.copyOfRange(old, 0, Math.min(n, old.length)))),
                Arbitraries.integers().between(1, 8).map(times -> old -> {
                    byte[] block = Arrays.copyOfRange(old, 0, Math.min(old.length, 700));
                    byte[] out = old;
                    for (int i = 0; i < times; i++) {
                        out = splice(out, out.length / 2, 0, block);
                    }
                    return out;
                }),
                Arbitraries.integers().between(1, 60_000).map(n -> old -> splice(old, old.length / 4, 0,
                        new byte[n])),
                Arbitraries.integers().between(1, 200).map(n -> old -> {
                    byte[] out = old.clone();
                    for (int i = 0; i < n && out.length > 0; i++) {
                        out[(int) ((i * 2654435761L) % out.length)] ^= (byte) (i | 1);
                    }
                    return out;
                }));
        return one.list().ofMinSize(1).ofMaxSize(3).map(list -> old -> {
            byte[] out = old;
            for (Edit e : list) {
                out = e.apply(out);
            }
            return out;
        });
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new java.util.Random(n).nextBytes(b);
        return b;
    }

    private static byte[] splice(byte[] data, int at, int remove, byte[] insert) {
        at = Math.min(at, data.length);
        remove = Math.min(remove, data.length - at);
        byte[] out = new byte[data.length - remove + insert.length];
        System.arraycopy(data, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(data, at + remove, out, at + insert.length, data.length - at - remove);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
