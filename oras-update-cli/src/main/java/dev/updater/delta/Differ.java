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
 * the new file; keep a match once it beats, by more than a step's cost ({@link #stepGain}), what simply continuing
 * the previous alignment would give; then stretch each alignment forwards and backwards while enough of its bytes
 * still agree (approximate matches: recompiled code differs in scattered addresses, which the difference bytes carry as
 * mostly zeros and compress well).
 *
 * <p>Two choices differ from bsdiff's, both measured on the benchmark corpus. bsdiff starts a new alignment for a
 * gain of 8 bytes and extends while half of the bytes agree. For large targets we ask for a gain that grows with the
 * distance of the jump ({@link #stepGain}): a step's old position is written relative to the previous step's end,
 * so a jump of a few bytes costs a byte and one across the file four, and the short matches a far jump would win
 * are mostly code idioms that zstd finds in the literals anyway. And we extend while eleven sixteenths agree, a
 * difference that repeats the previous non-zero one counting as neither agreeing nor not ({@link #extension}).
 *
 * <p>Measured (patch bytes, default format): a fixed gain of 16 with two thirds, before, against this: esbuild 0.23.1
 * to 0.24.0 1,408,875 to 1,353,903 (-3.9%; hdiffz -m-6 with zstd 1,359,986), 0.20.0 to 0.24.2 3,163,351 to
 * 3,104,456 (-1.9%; zstd --patch-from 3,109,437), 0.24.0 to 0.24.1 237,335 to 233,944 (-1.4%), biome 1.9
 * 3,710,986 to 3,633,560 (-2.1%). The small targets keep their knobs (below) and changed by the shorter filter of
 * {@link OldIndex#GRAM} only: jackson-databind 49,004 to 48,960, pybricks firmware 20,572 to 20,496, synthetic
 * firmware 6,624 the same. The steps: the gain alone (weights 3/2) took 0.23.1 to 1,366,782 and 0.20.0 to
 * 3,113,531; eleven sixteenths to 1,362,866 and 3,101,148; the repeated differences to the figures above.
 * Alternatives measured on the two esbuild jumps, against the fixed gain's figures: a fixed gain of 12 (0.23.1
 * -0.5%, 0.20.0 +1.4%), 24 or 32 (both larger); a gain of 6 per varint byte of the jump (-2.8%, -1.9%); the jump's
 * gain with the filter at 17 or 13 bytes instead of 9 (0.6% and 0.2% larger on 0.23.1); preferring among equally
 * long matches the one nearest the running alignment (0.1-0.2% larger: more, cheaper steps); with the fixed gain,
 * extension weights 4/3, 5/3 or 7/5, a penalty for starting a run of non-zero differences, and re-entering the
 * previous alignment inside the literals as a step of its own (none better than -0.2% on both).
 *
 * <p>Large new files are cut in independent slices matched in parallel against the same read-only suffix array;
 * a slice boundary costs at most one extra step.
 */
final class Differ {
    /**
     * The gain every step of a small target needs (bsdiff's), and what the old file's filter
     * ({@link OldIndex#GRAM}) is sized for: it lets through matches one byte longer. Large targets' gains for short
     * jumps are smaller, but a filter of shorter strings measured no smaller patches (7 bytes, with an earlier gain:
     * the two esbuild jumps within 0.01%).
     */
    static final int MIN_GAIN = 8;
    /**
     * The gain a large target's step needs whatever its jump; it needs a byte more per bit of the jump (zigzag).
     * Measured on esbuild 0.23.1 to 0.24.0 and 0.20.0 to 0.24.2: bases of 0 to 3 with 0.9 to 1.2 bytes per bit
     * within -0.2% and +0.4% of this (0 with 1.1 the same within 0.05%), 0.7 or 0.8 per bit up to 0.8% larger.
     */
    private static final int STEP_BASE_GAIN = 1;
    /**
     * An extension continues while agreeing bytes * AGREE_WEIGHT - length * LENGTH_WEIGHT keeps growing, a large
     * target's repeated differences aside ({@link #extension}). 32/21 and 32/23 measured 0.1-0.5% larger.
     */
    private static final int AGREE_WEIGHT = 16;
    private static final int LENGTH_WEIGHT = 11;
    /**
     * Targets below {@link PatchCompression#SMALL_TARGET} (firmware, jars) are matched with bsdiff's choices
     * instead: a gain of {@link #MIN_GAIN} whatever the jump and extension while half agree. Their patches are a
     * few kilobytes of steps and differences, where more, noisier alignments beat literals: pybricks firmware
     * 22,292 to 20,768 bytes (xz), jackson-databind 49,396 to 49,244; on the 10 MB pairs these choices cost up to 4%
     * (esbuild 0.23.1 to 0.24.0), so large targets keep their own.
     */
    private static final int SMALL_TARGET_AGREE_WEIGHT = 2;
    private static final int SMALL_TARGET_LENGTH_WEIGHT = 1;
    private final boolean small;
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
        this.small = newData.length < PatchCompression.SMALL_TARGET;
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
                if ((matchLength == oldScore && matchLength != 0)
                        || matchLength > oldScore + stepGain(matchPosition - scan - lastOffset)) {
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

    /**
     * What a match must gain over the running alignment to start a step that changes the alignment's offset by
     * {@code offsetChange}: for a large target, the step's cost, which grows with the bits of the jump the step
     * writes (its old position is relative to the previous step's end).
     */
    private int stepGain(int offsetChange) {
        if (small) {
            return MIN_GAIN;
        }
        long zigzag = ((long) offsetChange << 1) ^ ((long) offsetChange >> 63);
        int bits = 64 - Long.numberOfLeadingZeros(zigzag);
        return STEP_BASE_GAIN + bits;
    }

    /**
     * How far the alignment starting at new {@code lastScan} / old {@code lastPosition} pays to extend (see
     * {@link #extension}).
     */
    private int forwardExtension(int lastScan, int lastPosition, int scan) {
        return extension(lastScan, lastPosition, 1, Math.min(scan - lastScan, oldData.length - lastPosition));
    }

    /** How far back from the new match at new {@code scan} / old {@code position} it pays to extend. */
    private int backwardExtension(int lastScan, int scan, int position) {
        return extension(scan - 1, position - 1, -1, Math.min(scan - lastScan, position));
    }

    /**
     * How many bytes from new {@code newStart} / old {@code oldStart}, read in the direction of {@code step} and at
     * most {@code length}, it pays to extend an alignment by: the length with the best score, where an agreeing byte
     * adds {@code AGREE - LENGTH} and another subtracts {@code LENGTH}, except, for a large target, a difference that
     * repeats the previous non-zero one (as one move shifts every reference across it by the same amount), which
     * zstd takes nearly for free and which adds nothing.
     */
    private int extension(int newStart, int oldStart, int step, int length) {
        int agreeScore = agreeWeight - lengthWeight;
        int differScore = -lengthWeight;
        int repeatScore = small ? differScore : 0;
        long score = 0;
        long best = 0;
        int bestLength = 0;
        byte lastDifference = 0;
        int newAt = newStart;
        int oldAt = oldStart;
        for (int n = 1; n <= length; n++, newAt += step, oldAt += step) {
            byte difference = (byte) (newData[newAt] - oldData[oldAt]);
            if (difference == 0) {
                score += agreeScore;
            } else {
                score += difference == lastDifference ? repeatScore : differScore;
                lastDifference = difference;
            }
            if (score > best) {
                best = score;
                bestLength = n;
            } else if ((n & STOP_CHECK) == 0 && best - score >= (long) (length - n) * agreeScore) {
                break; // even agreeing bytes to the end would not score more
            }
        }
        return bestLength;
    }

    /**
     * An extension stops reading once even agreeing bytes to the end of its reach could not lift its score above
     * its best (checked every {@code STOP_CHECK + 1} bytes): the same lengths, without reading through every literal
     * stretch to the next match. Bytes read by the extensions, esbuild 0.20.0 to 0.24.2: 21.3 million before the
     * gains above, 12.2 million with them and this stop (biome 1.9: 59.8 to 42.5 million); the stop keeps the
     * patches byte-identical.
     */
    private static final int STOP_CHECK = 31;

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
