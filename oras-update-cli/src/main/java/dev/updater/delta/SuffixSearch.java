package dev.updater.delta;

/**
 * The differ's question "what is the longest old match of the new bytes here?", answered with the old file's
 * (possibly sparse) suffix array and its {@link OldIndex}. Read-only and shared by the slices' threads; each scan
 * asks through its own {@link Cursor}, which keeps what the last positions found.
 */
final class SuffixSearch {
    private final byte[] oldData;
    private final byte[] newData;
    private final int[] suffixes;
    private final OldIndex index;
    /** The suffix array holds the suffixes at multiples of this (1: all). */
    private final int step;

    SuffixSearch(byte[] oldData, byte[] newData, int[] suffixes, OldIndex index) {
        if (suffixes.length != (oldData.length + (long) index.step - 1) / index.step) {
            throw new IllegalArgumentException("suffix array of " + suffixes.length + " entries does not sample "
                    + oldData.length + " bytes every " + index.step);
        }
        this.oldData = oldData;
        this.newData = newData;
        this.suffixes = suffixes;
        this.index = index;
        this.step = index.step;
    }

    /** A cursor for one scan (one thread). */
    Cursor cursor() {
        return new Cursor();
    }

    /**
     * One scan's questions. With a sparse suffix array, the match starting at a new position is found from one of
     * the next {@code step} positions (where its old position reaches a sampled one), so each binary search serves
     * {@code step} positions: the cursor keeps the last {@code step} searches' results.
     */
    final class Cursor {
        private final OldIndex.Grams grams = index.grams(newData);
        private final int[] at = new int[step];
        private final int[] length = new int[step];
        private final int[] position = new int[step];
        private final long[] found = new long[1];
        /** The exact run along the running alignment found at {@code alignedAt}: one shorter at the next byte. */
        private int alignedAt = -2;
        private int alignedOld;
        private int alignedLength;
        private int matchPosition;

        private Cursor() {
            java.util.Arrays.fill(at, -1);
        }

        /** False when no match at new {@code at} (before {@code end}) can be long enough to start a step. */
        boolean mayMatchLongEnough(int at, int end) {
            return grams.mayMatchLongEnough(at, end);
        }

        /** The old position of the match {@link #longestMatch} found last. */
        int matchPosition() {
            return matchPosition;
        }

        /**
         * The length of the longest match at new {@code at}, its old position then in {@link #matchPosition}.
         * Where the running alignment ({@code alignedOffset}) agrees on at least {@code GRAM} bytes and those bytes
         * occur nowhere else in the old file, every match longer than {@code GRAM - 1} bytes starts at the aligned
         * position, so the alignment's exact run is the longest match and the search is skipped: the same answer,
         * without a dozen cache misses (most positions of a file that changed in scattered places, such as
         * recompiled code with moved addresses).
         */
        int longestMatch(int at, int end, int alignedOffset) {
            int aligned = at + alignedOffset;
            if (aligned >= 0 && aligned < oldData.length) {
                int run = step == 1 ? commonPrefix(aligned, at, end, 0) : alignedRun(at, end, aligned);
                if (run >= OldIndex.GRAM && grams.occursOnceAt(at, end)) {
                    matchPosition = aligned;
                    return run;
                }
            }
            if (step == 1) {
                int length = search(at, end, found);
                matchPosition = (int) found[0];
                return length;
            }
            return longestMatchSampled(at, end, alignedOffset);
        }

        /** The exact run of new {@code at} against old {@code aligned}; carried from the previous byte when it can. */
        private int alignedRun(int at, int end, int aligned) {
            int run;
            if (at == alignedAt + 1 && aligned == alignedOld + 1 && alignedLength > 0) {
                run = alignedLength - 1;
            } else if (at == alignedAt && aligned == alignedOld) {
                run = alignedLength;
            } else {
                run = commonPrefix(aligned, at, end, 0);
            }
            alignedAt = at;
            alignedOld = aligned;
            alignedLength = run;
            return run;
        }

        /**
         * The longest match at new {@code at} with a sparse suffix array: the longest of the matches found at
         * {@code at + j} ({@code j < step}) that also agree on the {@code j} bytes before, and of the running
         * alignment ({@code alignedOffset}), whose suffix is usually not a sampled one. A match found ahead counts
         * only from {@link OldIndex#SAMPLED_GRAM} bytes on, so that where no sampled string starts with the new
         * bytes (the filter says so) the binary search is skipped.
         */
        private int longestMatchSampled(int at, int end, int alignedOffset) {
            int bestLength = 0;
            int bestPosition = 0;
            int aligned = at + alignedOffset;
            if (aligned >= 0 && aligned < oldData.length) {
                bestLength = alignedRun(at, end, aligned);
                bestPosition = aligned;
            }
            for (int j = 0; j < step && at + j < end; j++) {
                int slot = (at + j) % step;
                if (this.at[slot] != at + j) {
                    this.at[slot] = at + j;
                    int ahead = index.sampledMayStart(newData, at + j, end) ? search(at + j, end, found) : 0;
                    length[slot] = ahead >= OldIndex.SAMPLED_GRAM || ahead == end - (at + j) ? ahead : 0;
                    position[slot] = length[slot] == 0 ? 0 : (int) found[0];
                }
                int candidate = length[slot];
                int start = position[slot] - j;
                if (candidate > 0 && candidate + j > bestLength && start >= 0 && agreeBefore(start, at, j)) {
                    bestLength = candidate + j;
                    bestPosition = start;
                }
            }
            matchPosition = bestPosition;
            return bestLength;
        }
    }

    /** Whether old {@code [oldStart, oldStart + length)} equals new {@code [newStart, newStart + length)}. */
    private boolean agreeBefore(int oldStart, int newStart, int length) {
        for (int k = 0; k < length; k++) {
            if (oldData[oldStart + k] != newData[newStart + k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The length of the longest prefix of new {@code [at, end)} found among the suffix array's old suffixes; its
     * old position goes to {@code position[0]}. Binary search over the suffix array that skips the prefix both
     * bounds already share.
     */
    private int search(int at, int end, long[] position) {
        int oldSize = oldData.length;
        if (suffixes.length == 0) {
            position[0] = 0;
            return 0;
        }
        int lo = 0;
        int hi = suffixes.length - 1;
        if (end - at >= 2) {
            int key = (newData[at] & 0xff) << 8 | (newData[at + 1] & 0xff);
            if (index.prefixFirst[key] >= 0) {
                // Every suffix sharing the two bytes is in this range, and the longest match is among them.
                lo = index.prefixFirst[key];
                hi = index.prefixLast[key];
            }
        }
        int lcpLo = commonPrefix(suffixes[lo], at, end, 0);
        int lcpHi = commonPrefix(suffixes[hi], at, end, 0);
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            int known = Math.min(lcpLo, lcpHi);
            int start = suffixes[mid];
            int lcp = commonPrefix(start, at, end, known);
            boolean oldEnded = start + lcp == oldSize;
            if (lcp == end - at || (!oldEnded && (oldData[start + lcp] & 0xff) > (newData[at + lcp] & 0xff))) {
                hi = mid;
                lcpHi = lcp;
            } else if (oldEnded || (oldData[start + lcp] & 0xff) < (newData[at + lcp] & 0xff)) {
                lo = mid;
                lcpLo = lcp;
            } else {
                hi = mid;
                lcpHi = lcp;
            }
        }
        if (lcpLo >= lcpHi) {
            position[0] = suffixes[lo];
            return lcpLo;
        }
        position[0] = suffixes[hi];
        return lcpHi;
    }

    /** The length of the common prefix of old {@code oldStart} and new {@code [newStart, newEnd)}. */
    int commonPrefix(int oldStart, int newStart, int newEnd, int known) {
        int limit = Math.min(oldData.length - oldStart, newEnd - newStart);
        int i = known;
        // Most comparisons of a search end within a few bytes, where a plain loop beats the vectorised mismatch's
        // set-up (measured on esbuild 0.24.0 to 0.24.1: matching a quarter faster with C1's code, 7% with C2's).
        for (int scalarEnd = Math.min(limit, i + SCALAR_PREFIX); i < scalarEnd; i++) {
            if (oldData[oldStart + i] != newData[newStart + i]) {
                return i;
            }
        }
        if (i >= limit) {
            return limit;
        }
        int mismatch = java.util.Arrays.mismatch(oldData, oldStart + i, oldStart + limit,
                newData, newStart + i, newStart + limit);
        return mismatch < 0 ? limit : i + mismatch;
    }

    /** Bytes compared one by one before {@link #commonPrefix} hands over to {@link java.util.Arrays#mismatch}. */
    private static final int SCALAR_PREFIX = 16;
}
