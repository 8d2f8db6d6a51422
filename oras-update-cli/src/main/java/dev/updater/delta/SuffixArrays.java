package dev.updater.delta;

/**
 * Suffix arrays built in linear time with SA-IS (induced sorting; Nong, Zhang and Chan, 2009).
 *
 * <p>The only array of size proportional to the input is the result: the reduced problem of each recursion level
 * lives in the result array itself (its sorted suffixes in the front, its string in the back), so a 27 MB file
 * needs its 108 MB of suffix array plus a few bit sets and bucket tables.
 */
final class SuffixArrays {
    private SuffixArrays() {}

    /** The suffix array of {@code data}: the start positions of its suffixes, in lexicographic order. */
    static int[] of(byte[] data) {
        int[] sa = new int[data.length];
        if (data.length > 0) {
            sort(new ByteText(data), sa, data.length, 256);
        }
        return sa;
    }

    /** A read-only string over an alphabet of {@code 0..k-1}. */
    private interface Text {
        int at(int i);
    }

    private record ByteText(byte[] bytes) implements Text {
        @Override
        public int at(int i) {
            return bytes[i] & 0xff;
        }
    }

    private record IntText(int[] ints, int offset) implements Text {
        @Override
        public int at(int i) {
            return ints[offset + i];
        }
    }

    /**
     * Sorts the suffixes of {@code t[0..n)} into {@code sa[0..n)}, using the whole of {@code sa[0..n)} as workspace.
     * A virtual sentinel, smaller than every character, ends the text.
     */
    private static void sort(Text t, int[] sa, int n, int k) {
        if (n == 1) {
            sa[0] = 0;
            return;
        }
        long[] sType = classify(t, n);
        int[] counts = new int[k];
        for (int i = 0; i < n; i++) {
            counts[t.at(i)]++;
        }
        int[] bucket = new int[k];

        // Stage 1: sort the LMS substrings by one round of induced sorting.
        java.util.Arrays.fill(sa, 0, n, -1);
        bucketEnds(counts, bucket);
        for (int i = 1; i < n; i++) {
            if (isLms(sType, i)) {
                sa[--bucket[t.at(i)]] = i;
            }
        }
        induce(t, sa, n, sType, counts, bucket);

        int lmsCount = 0;
        for (int i = 0; i < n; i++) {
            if (isLms(sType, sa[i])) {
                sa[lmsCount++] = sa[i];
            }
        }

        // Name the LMS substrings: equal substrings get equal names, in sorted order.
        java.util.Arrays.fill(sa, lmsCount, n, -1);
        int names = 0;
        int previous = -1;
        for (int i = 0; i < lmsCount; i++) {
            int position = sa[i];
            if (previous < 0 || !equalLmsSubstrings(t, n, sType, position, previous)) {
                names++;
                previous = position;
            }
            sa[lmsCount + position / 2] = names - 1;
        }
        int reducedStart = n - lmsCount;
        for (int i = n - 1, j = n - 1; i >= lmsCount; i--) {
            if (sa[i] >= 0) {
                sa[j--] = sa[i];
            }
        }

        // Stage 2: sort the reduced string's suffixes, recursing only while names repeat.
        if (names < lmsCount) {
            sort(new IntText(sa, reducedStart), sa, lmsCount, names);
        } else {
            for (int i = 0; i < lmsCount; i++) {
                sa[sa[reducedStart + i]] = i;
            }
        }

        // Stage 3: map the reduced order back to LMS positions, then induce the full order from them.
        for (int i = 1, j = reducedStart; i < n; i++) {
            if (isLms(sType, i)) {
                sa[j++] = i;
            }
        }
        for (int i = 0; i < lmsCount; i++) {
            sa[i] = sa[reducedStart + sa[i]];
        }
        java.util.Arrays.fill(sa, lmsCount, n, -1);
        bucketEnds(counts, bucket);
        for (int i = lmsCount - 1; i >= 0; i--) {
            int position = sa[i];
            sa[i] = -1;
            sa[--bucket[t.at(position)]] = position;
        }
        induce(t, sa, n, sType, counts, bucket);
    }

    /** Bit i set when suffix i is S-type (smaller than suffix i+1); the last character is L-type (sentinel). */
    private static long[] classify(Text t, int n) {
        long[] sType = new long[(n + 63) >>> 6];
        boolean nextIsS = false;
        for (int i = n - 2; i >= 0; i--) {
            int c = t.at(i);
            int next = t.at(i + 1);
            boolean isS = c < next || (c == next && nextIsS);
            if (isS) {
                sType[i >>> 6] |= 1L << i;
            }
            nextIsS = isS;
        }
        return sType;
    }

    private static boolean isS(long[] sType, int i) {
        return (sType[i >>> 6] & (1L << i)) != 0;
    }

    private static boolean isLms(long[] sType, int i) {
        return i > 0 && isS(sType, i) && !isS(sType, i - 1);
    }

    private static void bucketStarts(int[] counts, int[] bucket) {
        int sum = 0;
        for (int c = 0; c < counts.length; c++) {
            bucket[c] = sum;
            sum += counts[c];
        }
    }

    private static void bucketEnds(int[] counts, int[] bucket) {
        int sum = 0;
        for (int c = 0; c < counts.length; c++) {
            sum += counts[c];
            bucket[c] = sum;
        }
    }

    /** Induces L-type suffixes left to right, then S-type suffixes right to left, from what {@code sa} holds. */
    private static void induce(Text t, int[] sa, int n, long[] sType, int[] counts, int[] bucket) {
        bucketStarts(counts, bucket);
        // The sentinel suffix comes first, and the suffix just before it is L-type.
        sa[bucket[t.at(n - 1)]++] = n - 1;
        for (int i = 0; i < n; i++) {
            int j = sa[i] - 1;
            if (j >= 0 && !isS(sType, j)) {
                sa[bucket[t.at(j)]++] = j;
            }
        }
        bucketEnds(counts, bucket);
        for (int i = n - 1; i >= 0; i--) {
            int j = sa[i] - 1;
            if (j >= 0 && isS(sType, j)) {
                sa[--bucket[t.at(j)]] = j;
            }
        }
    }

    private static boolean equalLmsSubstrings(Text t, int n, long[] sType, int a, int b) {
        for (int d = 0; ; d++) {
            if (a + d == n || b + d == n) {
                return false;
            }
            if (t.at(a + d) != t.at(b + d) || isS(sType, a + d) != isS(sType, b + d)) {
                return false;
            }
            if (d > 0) {
                boolean endA = isLms(sType, a + d);
                boolean endB = isLms(sType, b + d);
                if (endA || endB) {
                    return endA && endB;
                }
            }
        }
    }
}
