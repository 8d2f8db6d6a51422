package dev.updater.delta;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * bsdiff-class matching: find, with a suffix array of the old file, the longest exact match for each position of
 * the new file; keep a match once it beats, by more than {@link #MIN_GAIN} bytes, what simply continuing the
 * previous alignment would give; then stretch each alignment forwards and backwards while enough of its bytes still
 * agree (approximate matches: recompiled code differs in scattered addresses, which the difference bytes carry as
 * mostly zeros and compress well).
 *
 * <p>Two choices differ from bsdiff's, both measured on the benchmark corpus. bsdiff starts a new alignment for a
 * gain of 8 bytes and extends while half of the bytes agree; we ask for 16 and two thirds. Fewer, cleaner alignments
 * cost fewer steps and leave the badly matching stretches to the literals, which compress better than noisy
 * differences: 9% smaller on a far jump (esbuild 0.20 to 0.24), 3% on a minor release, equal on a patch release.
 *
 * <p>Large new files are cut in independent slices matched in parallel against the same read-only suffix array;
 * a slice boundary costs at most one extra step.
 */
final class Differ {
    /** Bytes an exact match must gain over the running alignment before it starts a new step. */
    static final int MIN_GAIN = 16;
    /** An extension continues while agreeing bytes * AGREE_WEIGHT - length * LENGTH_WEIGHT keeps growing. */
    private static final int AGREE_WEIGHT = 3;
    private static final int LENGTH_WEIGHT = 2;
    /**
     * Targets below {@link PatchCompression#SMALL_TARGET} (firmware, jars) are matched with bsdiff's choices
     * instead: a gain of 8 (among matches of {@link OldIndex#GRAM} bytes or more, which the filter lets through) and
     * extension while half agree. Their patches are a few kilobytes of steps and differences, where more, noisier
     * alignments beat literals: pybricks firmware 22,292 to 20,768 bytes (xz), jackson-databind 49,396 to 49,244;
     * on the 10 MB pairs these choices cost up to 4% (esbuild 0.23.1 to 0.24.0), so large targets keep 16 and
     * two thirds.
     */
    private static final int SMALL_TARGET_MIN_GAIN = 8;
    private static final int SMALL_TARGET_AGREE_WEIGHT = 2;
    private static final int SMALL_TARGET_LENGTH_WEIGHT = 1;
    private final int minGain;
    private final int agreeWeight;
    private final int lengthWeight;
    /**
     * diff indexes the old suffixes at multiples of this: an eighth of the suffix array's memory and, measured on
     * esbuild (10 MB, cold), about a third of its build time, for patches within 0.3% of the full array's on the
     * benchmark corpus, smaller on four pairs of seven (the match search looks {@code SAMPLE_STEP} positions ahead
     * and along the running alignment; see {@link SuffixSearch.Cursor#longestMatch}). Step 4 measured the same
     * sizes within 0.3% and slower.
     */
    static final int SAMPLE_STEP = 8;
    /** Below this many new bytes, one thread does the whole file: slicing costs more than it saves. */
    static final int PARALLEL_THRESHOLD = 4 << 20;

    private final byte[] oldData;
    private final byte[] newData;
    private final SuffixSearch search;

    private Differ(byte[] oldData, byte[] newData, int[] suffixes, OldIndex index) {
        this.oldData = oldData;
        this.newData = newData;
        this.search = new SuffixSearch(oldData, newData, suffixes, index);
        boolean small = newData.length < PatchCompression.SMALL_TARGET;
        this.minGain = small ? SMALL_TARGET_MIN_GAIN : MIN_GAIN;
        this.agreeWeight = small ? SMALL_TARGET_AGREE_WEIGHT : AGREE_WEIGHT;
        this.lengthWeight = small ? SMALL_TARGET_LENGTH_WEIGHT : LENGTH_WEIGHT;
    }

    /** New bytes per slice when the plan is written while it is computed. Each boundary costs a few steps (1 MiB
     * slices measured 4% larger on a patch release, 4 MiB none). */
    static final int STREAM_SLICE = 4 << 20;

    /**
     * Starts planning {@code newData} in slices of {@code sliceBytes} on {@code threads} threads (one slice, on
     * the calling thread, below {@code parallelThreshold}); the caller takes the slices in order while later ones
     * are still being matched, and closes the result to stop the threads.
     */
    static Slices planInSlices(byte[] oldData, int[] suffixes, byte[] newData, int threads, int parallelThreshold,
            int sliceBytes) {
        return planInSlices(oldData, suffixes, new OldIndex(oldData), newData, threads, parallelThreshold, sliceBytes);
    }

    /** As {@link #planInSlices(byte[], int[], byte[], int, int, int)}, with the old file's index built already. */
    static Slices planInSlices(byte[] oldData, int[] suffixes, OldIndex index, byte[] newData, int threads,
            int parallelThreshold, int sliceBytes) {
        Differ differ = new Differ(oldData, newData, suffixes, index);
        if (newData.length < parallelThreshold) {
            return new Slices(null, List.of(CompletableFuture.completedFuture(differ.scan(0, newData.length))));
        }
        // The cut depends on the sizes alone, never on the cores: the same inputs give the same patch bytes on
        // every machine (a publisher re-running on another CI runner must produce the same release). An even
        // count keeps two cores busy to the end.
        long wanted = Math.max(2, (newData.length + (long) sliceBytes - 1) / sliceBytes);
        int count = (int) ((wanted + 1) / 2 * 2);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread thread = new Thread(r, "delta-differ");
            thread.setDaemon(true);
            return thread;
        });
        List<Future<DeltaPlan>> parts = new ArrayList<>();
        long length = newData.length;
        for (int s = 0; s < count; s++) {
            int from = (int) (length * s / count);
            int to = (int) (length * (s + 1) / count);
            parts.add(pool.submit(() -> differ.scan(from, to)));
        }
        pool.shutdown();
        return new Slices(pool, parts);
    }

    /** A plan being computed slice by slice; see {@link #planInSlices}. */
    static final class Slices implements UpdaterPatchWriter.PlanSlices, AutoCloseable {
        private final ExecutorService pool;
        private final List<Future<DeltaPlan>> parts;

        private Slices(ExecutorService pool, List<Future<DeltaPlan>> parts) {
            this.pool = pool;
            this.parts = new ArrayList<>(parts);
        }

        @Override
        public int count() {
            return parts.size();
        }

        /** Slice {@code index}, once; the slice is forgotten here so that the caller alone decides its lifetime. */
        @Override
        public DeltaPlan slice(int index) {
            try {
                DeltaPlan plan = parts.get(index).get();
                parts.set(index, CompletableFuture.completedFuture(new DeltaPlan()));
                return plan;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while computing a delta", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        /** All slices as one plan. */
        DeltaPlan whole() {
            DeltaPlan whole = new DeltaPlan();
            for (int i = 0; i < parts.size(); i++) {
                whole.addAll(slice(i));
            }
            return whole;
        }

        @Override
        public void close() {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /** Plans new bytes {@code [from, to)}; matches never reach past {@code to}, so slices are independent. */
    private DeltaPlan scan(int from, int to) {
        DeltaPlan plan = new DeltaPlan();
        int oldSize = oldData.length;
        int scan = from;
        int matchLength = 0;
        int matchPosition = 0;
        int lastScan = from;
        // A slice starts aligned with the same old offset (a file that did not move); the scoring and the forward
        // extension must agree on that alignment, or an unchanged slice is planned as literals.
        int lastPosition = Math.min(from, oldSize);
        int lastOffset = lastPosition - from;
        SuffixSearch.Cursor matches = search.cursor();
        while (scan < to) {
            int oldScore = 0;
            int scored = scan += matchLength;
            for (; scan < to; scan++) {
                if (matches.mayMatchLongEnough(scan, to)) {
                    matchLength = matches.longestMatch(scan, to, lastOffset);
                    matchPosition = matches.matchPosition();
                } else {
                    matchLength = 0;
                }
                for (; scored < scan + matchLength; scored++) {
                    int o = scored + lastOffset;
                    if (o >= 0 && o < oldSize && oldData[o] == newData[scored]) {
                        oldScore++;
                    }
                }
                if ((matchLength == oldScore && matchLength != 0) || matchLength > oldScore + minGain) {
                    break;
                }
                int o = scan + lastOffset;
                if (o >= 0 && o < oldSize && oldData[o] == newData[scan]) {
                    oldScore--;
                }
            }
            if (matchLength == oldScore && scan != to) {
                continue;
            }
            int forward = forwardExtension(lastScan, lastPosition, scan);
            int backward = scan < to ? backwardExtension(lastScan, scan, matchPosition) : 0;
            int overlap = lastScan + forward - (scan - backward);
            if (overlap > 0) {
                int split = bestSplit(lastScan + forward - overlap, lastPosition + forward - overlap,
                        scan - backward, matchPosition - backward, overlap);
                forward += split - overlap;
                backward -= split;
            }
            plan.add(lastPosition, forward, (scan - backward) - (lastScan + forward));
            lastScan = scan - backward;
            lastPosition = matchPosition - backward;
            lastOffset = matchPosition - scan;
        }
        return plan;
    }

    /** How far the alignment starting at new {@code lastScan} / old {@code lastPosition} pays to extend. */
    private int forwardExtension(int lastScan, int lastPosition, int scan) {
        int agree = 0;
        int best = 0;
        int bestLength = 0;
        for (int i = 0; lastScan + i < scan && lastPosition + i < oldData.length; ) {
            if (oldData[lastPosition + i] == newData[lastScan + i]) {
                agree++;
            }
            i++;
            if (agree * agreeWeight - i * lengthWeight > best * agreeWeight - bestLength * lengthWeight) {
                best = agree;
                bestLength = i;
            }
        }
        return bestLength;
    }

    /** How far back from the new match at new {@code scan} / old {@code position} it pays to extend. */
    private int backwardExtension(int lastScan, int scan, int position) {
        int agree = 0;
        int best = 0;
        int bestLength = 0;
        for (int i = 1; scan >= lastScan + i && position >= i; i++) {
            if (oldData[position - i] == newData[scan - i]) {
                agree++;
            }
            if (agree * agreeWeight - i * lengthWeight > best * agreeWeight - bestLength * lengthWeight) {
                best = agree;
                bestLength = i;
            }
        }
        return bestLength;
    }

    /** Where, in an overlap of both extensions, the forward one should hand over to the backward one. */
    private int bestSplit(int newA, int oldA, int newB, int oldB, int overlap) {
        int score = 0;
        int best = 0;
        int split = 0;
        for (int i = 0; i < overlap; i++) {
            if (newData[newA + i] == oldData[oldA + i]) {
                score++;
            }
            if (newData[newB + i] == oldData[oldB + i]) {
                score--;
            }
            if (score > best) {
                best = score;
                split = i + 1;
            }
        }
        return split;
    }
}
