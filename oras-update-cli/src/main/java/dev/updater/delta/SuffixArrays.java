package dev.updater.delta;

/**
 * Suffix arrays built in linear time with SA-IS (induced sorting; Nong, Zhang and Chan, 2009).
 *
 * <p>The only large array is the result: the reduced problem of each recursion level lives in the result array
 * itself (its sorted suffixes in the front, its string in the back, its bucket table in between when it fits), so a
 * 27 MB file needs its 108 MB of suffix array plus bit sets of a few MB.
 */
final class SuffixArrays {
    private SuffixArrays() {}

    /** The suffix array of {@code data}: the start positions of its suffixes, in lexicographic order. */
    static int[] of(byte[] data) {
        return of(data, SMALL_ALPHABET);
    }

    /** As {@link #of(byte[])}; tests lower {@code smallAlphabet} to exercise the recounting bucket tables. */
    static int[] of(byte[] data, int smallAlphabet) {
        int[] sa = new int[data.length];
        if (data.length > 0) {
            sort(Text.of(data), sa, data.length, 256, sa, 0, 0, smallAlphabet);
        }
        return sa;
    }

    /**
     * The suffixes of {@code data} that start at multiples of {@code step} (1, 2, 4 or 8), in lexicographic order: a
     * sparse suffix array, a {@code step}-th of the full one's size. Each run of {@code step} bytes
     * is renamed by its rank among all such runs (a run cut short by the end of the file ranks below the longer
     * runs it begins), which keeps the order of the suffixes; the suffix array of the renamed string, built by
     * SA-IS, is then the order of the sampled suffixes.
     */
    static int[] sampled(byte[] data, int step) {
        if (step == 1) {
            return of(data);
        }
        if (step != 2 && step != 4 && step != 8) {
            throw new IllegalArgumentException("sample step must be 1, 2, 4 or 8, not " + step);
        }
        int n = data.length;
        int m = (int) (((long) n + step - 1) / step);
        if (m == 0) {
            return new int[0];
        }
        int[] renamed = new int[m];
        int alphabet = renameRuns(data, step, renamed);
        int[] sa = new int[m];
        if (alphabet == m) {
            for (int i = 0; i < m; i++) {
                sa[renamed[i]] = i;
            }
        } else {
            // Counted bucket tables whatever the alphabet: recounting the text at each of the five bucket passes
            // measured an eighth of the build.
            sort(Text.of(renamed, 0), sa, m, alphabet, sa, 0, 0, Integer.MAX_VALUE);
        }
        for (int i = 0; i < m; i++) {
            sa[i] *= step;
        }
        return sa;
    }

    /**
     * Replaces each {@code step}-byte run of {@code data} by its rank among the distinct runs, into {@code renamed};
     * returns the number of distinct runs. The runs' indices are radix sorted by the run's bytes (big-endian, padded
     * with zeros), sixteen bits per stable counting pass, each pass reading its two bytes of every run straight from
     * {@code data}: a table of the runs as longs was about 0.2 s faster on biome 1.9 (0.9 against 1.1 s) and cost the
     * old file's size again in memory (peak RSS of the whole diff 273 against 264 MB);
     * the short last run, if any, starts the input order, so it stays before the full runs it is a prefix of.
     */
    private static int renameRuns(byte[] data, int step, int[] renamed) {
        int n = data.length;
        int m = renamed.length;
        int full = n / step;
        boolean shortLast = full < m;
        int[] order = new int[m];
        int[] sorted = renamed; // free until the ranks go in, so it is the sort's second buffer
        int[] counts = new int[1 << 16];
        for (int shift = 0; shift < 8 * step; shift += 16) {
            // The digit's two bytes: the last two of the run for shift 0, two further left for each next pass.
            int low = step - 1 - shift / 8;
            java.util.Arrays.fill(counts, 0);
            for (int g = 0, at = low; g < full; g++, at += step) {
                counts[(data[at - 1] & 0xff) << 8 | (data[at] & 0xff)]++;
            }
            if (shortLast) {
                counts[paddedDigit(data, full * step + low)]++;
            }
            int sum = 0;
            for (int c = 0; c < counts.length; c++) {
                int size = counts[c];
                counts[c] = sum;
                sum += size;
            }
            if (shift == 0) {
                if (shortLast) {
                    sorted[counts[paddedDigit(data, full * step + low)]++] = full;
                }
                for (int g = 0, at = low; g < full; g++, at += step) {
                    sorted[counts[(data[at - 1] & 0xff) << 8 | (data[at] & 0xff)]++] = g;
                }
            } else {
                for (int j = 0; j < m; j++) {
                    int g = order[j];
                    int at = g * step + low;
                    int digit = g < full ? (data[at - 1] & 0xff) << 8 | (data[at] & 0xff) : paddedDigit(data, at);
                    sorted[counts[digit]++] = g;
                }
            }
            int[] swap = order;
            order = sorted;
            sorted = swap;
        }
        // After an even number of passes the order is back in its own array and the ranks go in the other one.
        int[] ranks = order == renamed ? new int[m] : renamed;
        int rank = -1;
        for (int j = 0; j < m; j++) {
            int g = order[j];
            // The short last run differs from a full run with the same padded bytes.
            if (j == 0 || g == full || order[j - 1] == full || !sameRun(data, g * step, order[j - 1] * step, step)) {
                rank++;
            }
            ranks[g] = rank;
        }
        if (ranks != renamed) {
            System.arraycopy(ranks, 0, renamed, 0, m);
        }
        return rank + 1;
    }

    /** The 16-bit digit whose low byte is at {@code lowAt}, bytes past the end of {@code data} read as zeros. */
    private static int paddedDigit(byte[] data, int lowAt) {
        int high = lowAt - 1 < data.length ? data[lowAt - 1] & 0xff : 0;
        return high << 8 | (lowAt < data.length ? data[lowAt] & 0xff : 0);
    }

    /** Whether the full runs at {@code a} and {@code b} hold the same bytes. */
    private static boolean sameRun(byte[] data, int a, int b, int step) {
        for (int k = 0; k < step; k++) {
            if (data[a + k] != data[b + k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A read-only string over an alphabet of {@code 0..k-1}: the input bytes at the top level, a slice of the
     * suffix array's own space below. One final class rather than an interface keeps {@link #at} inlinable in
     * the hot loops.
     */
    private static final class Text {
        private final byte[] bytes;
        private final int[] ints;
        private final int offset;

        private Text(byte[] bytes, int[] ints, int offset) {
            this.bytes = bytes;
            this.ints = ints;
            this.offset = offset;
        }

        static Text of(byte[] bytes) {
            return new Text(bytes, null, 0);
        }

        static Text of(int[] ints, int offset) {
            return new Text(null, ints, offset);
        }

        int at(int i) {
            return bytes != null ? bytes[i] & 0xff : ints[offset + i];
        }
    }

    /**
     * Sorts the suffixes of {@code t[0..n)} into {@code sa[0..n)}, using the whole of {@code sa[0..n)} as workspace.
     * A virtual sentinel, smaller than every character, ends the text. {@code spare[spareFrom..+spareLength)} is
     * memory the caller does not need meanwhile, where large bucket tables go instead of new arrays.
     */
    private static void sort(Text t, int[] sa, int n, int k, int[] spare, int spareFrom, int spareLength,
            int smallAlphabet) {
        if (n == 1) {
            sa[0] = 0;
            return;
        }
        long[] sType = classify(t, n);
        Buckets bucket = k <= smallAlphabet ? Buckets.counted(t, n, k)
                : spareLength >= k ? Buckets.recounted(t, n, k, spare, spareFrom)
                : Buckets.recounted(t, n, k, new int[k], 0);

        // Stage 1: sort the LMS substrings by one round of induced sorting.
        java.util.Arrays.fill(sa, 0, n, -1);
        bucket.ends();
        for (int i = 1; i < n; i++) {
            if (isLms(sType, i)) {
                sa[bucket.decrement(t.at(i))] = i;
            }
        }
        induce(t, sa, n, sType, bucket);

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

        // Stage 2: sort the reduced string's suffixes, recursing only while names repeat. Between the reduced
        // problem's suffix array (front) and its string (back) lies free space for its bucket table.
        if (names < lmsCount) {
            sort(Text.of(sa, reducedStart), sa, lmsCount, names, sa, lmsCount, reducedStart - lmsCount,
                    smallAlphabet);
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
        bucket.ends();
        for (int i = lmsCount - 1; i >= 0; i--) {
            int position = sa[i];
            sa[i] = -1;
            sa[bucket.decrement(t.at(position))] = position;
        }
        induce(t, sa, n, sType, bucket);
    }

    /** Alphabets up to this size keep their character counts; larger ones recount to halve the tables. */
    private static final int SMALL_ALPHABET = 1 << 16;

    /** Bucket boundaries per character: where the next suffix starting with that character goes. */
    private static final class Buckets {
        private final Text t;
        private final int n;
        private final int k;
        private final int[] counts;
        private final int[] table;
        private final int from;

        private Buckets(Text t, int n, int k, int[] counts, int[] table, int from) {
            this.t = t;
            this.n = n;
            this.k = k;
            this.counts = counts;
            this.table = table;
            this.from = from;
        }

        static Buckets counted(Text t, int n, int k) {
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                counts[t.at(i)]++;
            }
            return new Buckets(t, n, k, counts, new int[k], 0);
        }

        static Buckets recounted(Text t, int n, int k, int[] table, int from) {
            return new Buckets(t, n, k, null, table, from);
        }

        private int count(int c) {
            return counts != null ? counts[c] : table[from + c];
        }

        private void recount() {
            if (counts == null) {
                java.util.Arrays.fill(table, from, from + k, 0);
                for (int i = 0; i < n; i++) {
                    table[from + t.at(i)]++;
                }
            }
        }

        void starts() {
            recount();
            int sum = 0;
            for (int c = 0; c < k; c++) {
                int size = count(c);
                table[from + c] = sum;
                sum += size;
            }
        }

        void ends() {
            recount();
            int sum = 0;
            for (int c = 0; c < k; c++) {
                sum += count(c);
                table[from + c] = sum;
            }
        }

        int increment(int c) {
            return table[from + c]++;
        }

        int decrement(int c) {
            return --table[from + c];
        }
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

    /** Induces L-type suffixes left to right, then S-type suffixes right to left, from what {@code sa} holds. */
    private static void induce(Text t, int[] sa, int n, long[] sType, Buckets bucket) {
        bucket.starts();
        // The sentinel suffix comes first, and the suffix just before it is L-type.
        sa[bucket.increment(t.at(n - 1))] = n - 1;
        for (int i = 0; i < n; i++) {
            int j = sa[i] - 1;
            if (j >= 0 && !isS(sType, j)) {
                sa[bucket.increment(t.at(j))] = j;
            }
        }
        bucket.ends();
        for (int i = n - 1; i >= 0; i--) {
            int j = sa[i] - 1;
            if (j >= 0 && isS(sType, j)) {
                sa[bucket.decrement(t.at(j))] = j;
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
