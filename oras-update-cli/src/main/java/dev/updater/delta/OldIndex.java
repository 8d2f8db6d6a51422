package dev.updater.delta;

/**
 * The differ's tables of the old file other than the suffix array: they need only the old bytes, so they are built
 * on another core while the suffix array is.
 *
 * <ul>
 *   <li>For each two-byte prefix, the first and last suffix array index of the old file's suffixes starting with it
 *       ({@code -1} when none does): a search starts in that range instead of the whole array, skipping the first
 *       dozen or so steps of each binary search, which are cache misses.
 *   <li>A filter of the old file's {@link #GRAM}-byte strings (one bit per hash, false positives but no false
 *       negatives). When the new file's next {@code GRAM} bytes are not in it, no exact match there can gain
 *       {@link Differ#MIN_GAIN} bytes, and the binary search is skipped: most of the scan's time in changed regions.
 *       A second bit per hash, beside the first (one cache line for both questions), marks hashes that two or more
 *       old positions share: a hash with its first bit alone belongs to exactly one old position, so a string
 *       hashing there occurs at most once in the old file (see {@link Grams#occursOnceAt}).
 *   <li>With a sparse suffix array, a filter of the {@link #SAMPLED_GRAM}-byte strings that start at the sampled
 *       positions: the searches of {@link SuffixSearch} look {@code step} new positions ahead, and at most of those no
 *       sampled suffix shares even that many bytes; see {@link #sampledMayStart}.
 * </ul>
 */
final class OldIndex {
    /**
     * Bytes of the strings in the first filter: one more than {@link Differ#MIN_GAIN}. 17 (a gain of 16 for every
     * step) measured esbuild 0.23.1 to 0.24.0 0.6% larger with the differ's jump-dependent gains.
     */
    static final int GRAM = Differ.MIN_GAIN + 1;
    /**
     * Bytes a sampled suffix must share with the new bytes for {@link SuffixSearch} to take its match: shorter ones
     * cannot win a step (a step needs a match of {@link #GRAM} bytes, and a match found {@code j < step} bytes
     * ahead is {@code j} bytes longer). Measured on biome 1.9 (27 MB): 12.6 million binary searches without it,
     * 3.1 million with it; the patches of the corpus within 0.04% of the unfiltered plan's, smaller on biome. 8
     * bytes measured the same sizes (within 0.01%) with a third more searches, 12 bytes a 0.16% larger patch on
     * esbuild 0.23.1 to 0.24.0.
     */
    static final int SAMPLED_GRAM = 10;
    private static final int GRAM_PRIME = 0x01000193;
    private static final int GRAM_PRIME_POWER = power(GRAM_PRIME, GRAM);

    final int step;
    final int[] prefixFirst = new int[1 << 16];
    final int[] prefixLast = new int[1 << 16];
    private final int gramBits;
    private final long[] oldGrams;
    private final int sampledBits;
    private final long[] sampledGrams;

    /** The tables for a full suffix array. */
    OldIndex(byte[] oldData) {
        this(oldData, 1);
    }

    /** The tables for a suffix array of the suffixes at multiples of {@code step} (see SuffixArrays.sampled). */
    OldIndex(byte[] oldData, int step) {
        this.step = step;
        prefixRanges(oldData, step, prefixFirst, prefixLast);
        this.gramBits = Math.max(16, 64 - Long.numberOfLeadingZeros(Math.max(1, 2L * oldData.length - 1)));
        this.oldGrams = new long[(int) Math.max(1, (1L << gramBits) >>> 5)];
        int hash = 0;
        for (int i = 0; i < oldData.length; i++) {
            hash = hash * GRAM_PRIME + (oldData[i] & 0xff);
            if (i >= GRAM) {
                hash -= (oldData[i - GRAM] & 0xff) * GRAM_PRIME_POWER;
            }
            if (i >= GRAM - 1) {
                int slot = gramSlot(hash, gramBits);
                long seen = 1L << (slot << 1);
                long word = oldGrams[slot >>> 5];
                // Seen before: mark it repeated (the bit above).
                oldGrams[slot >>> 5] = word | seen | (word & seen) << 1;
            }
        }
        // Eight bits per sampled position: about one in ten absent strings passes (a 4 MiB table for 28 MB). A
        // full suffix array needs no such filter: one word with every bit set.
        long sampled = (oldData.length + (long) step - 1) / step;
        this.sampledBits = step == 1 ? 6 : Math.max(12, 64 - Long.numberOfLeadingZeros(Math.max(1, 8 * sampled - 1)));
        this.sampledGrams = new long[1 << (sampledBits - 6)];
        if (step == 1) {
            sampledGrams[0] = -1L;
        }
        for (int p = 0; step > 1 && p + SAMPLED_GRAM <= oldData.length; p += step) {
            int slot = sampledSlot(oldData, p);
            sampledGrams[slot >>> 6] |= 1L << slot;
        }
    }

    /**
     * The tables with every string marked as repeated and every sampled string as present, so that every position
     * is searched: what the skipped searches would have found, for tests.
     */
    static OldIndex searchingEverywhere(byte[] oldData, int step) {
        OldIndex index = new OldIndex(oldData, step);
        for (int i = 0; i < index.oldGrams.length; i++) {
            index.oldGrams[i] |= (index.oldGrams[i] & 0x5555_5555_5555_5555L) << 1;
        }
        java.util.Arrays.fill(index.sampledGrams, -1L);
        return index;
    }

    /**
     * Fills the two-byte prefix ranges of the suffixes at multiples of {@code step} by counting, reading the old
     * file sequentially rather than at every suffix array entry's position (random reads, a cache miss each). The
     * one-byte suffix (the last byte, c), when sampled, sorts just before every suffix starting with c.
     */
    static void prefixRanges(byte[] oldData, int step, int[] first, int[] last) {
        int[] counts = new int[1 << 16];
        for (int i = 0; i + 1 < oldData.length; i += step) {
            counts[(oldData[i] & 0xff) << 8 | (oldData[i + 1] & 0xff)]++;
        }
        boolean oneByteSuffixSampled = oldData.length > 0 && (oldData.length - 1) % step == 0;
        int lastByte = oneByteSuffixSampled ? oldData[oldData.length - 1] & 0xff : -1;
        int start = 0;
        for (int key = 0; key < counts.length; key++) {
            if (key == lastByte << 8) {
                start++; // the one-byte suffix
            }
            first[key] = counts[key] == 0 ? -1 : start;
            last[key] = counts[key] == 0 ? -1 : start + counts[key] - 1;
            start += counts[key];
        }
    }

    /**
     * Whether some sampled old position may start with the {@link #SAMPLED_GRAM} bytes of {@code data} at
     * {@code at} (true when fewer remain before {@code end}); false means none does.
     */
    boolean sampledMayStart(byte[] data, int at, int end) {
        if (end - at < SAMPLED_GRAM) {
            return true;
        }
        int slot = sampledSlot(data, at);
        return (sampledGrams[slot >>> 6] & (1L << slot)) != 0;
    }

    private int sampledSlot(byte[] data, int at) {
        long hash = 0;
        for (int k = 0; k < SAMPLED_GRAM; k++) {
            hash = hash * 0x100000001B3L + (data[at + k] & 0xff);
        }
        return (int) ((hash * 0x9E3779B97F4A7C15L) >>> (64 - sampledBits));
    }

    private static int power(int base, int exponent) {
        int result = 1;
        for (int i = 0; i < exponent; i++) {
            result *= base;
        }
        return result;
    }

    private static int gramSlot(int hash, int gramBits) {
        return (hash * 0x9E3779B1) >>> (32 - gramBits);
    }

    /** The first filter's questions for one scan of {@code newData}. */
    Grams grams(byte[] newData) {
        return new Grams(newData);
    }

    /**
     * The first filter's questions for one scan: the scan mostly moves one byte at a time, so the hash of the new
     * bytes rolls instead of being recomputed.
     */
    final class Grams {
        private final byte[] newData;
        private int hashedAt = -2;
        private int hash;

        private Grams(byte[] newData) {
            this.newData = newData;
        }

        boolean mayMatchLongEnough(int at, int end) {
            if (end - at < GRAM) {
                return true;
            }
            int slot = gramSlot(hashAt(at), gramBits);
            return (oldGrams[slot >>> 5] & (1L << (slot << 1))) != 0;
        }

        /**
         * Whether the {@code GRAM} new bytes at {@code at} occur at most once in the old file; asked only after
         * {@link #mayMatchLongEnough} at the same position.
         */
        boolean occursOnceAt(int at, int end) {
            if (end - at < GRAM) {
                return false;
            }
            int slot = gramSlot(hashAt(at), gramBits);
            return (oldGrams[slot >>> 5] & (2L << (slot << 1))) == 0;
        }

        private int hashAt(int at) {
            if (at == hashedAt) {
                return hash;
            }
            if (at == hashedAt + 1) {
                hash = hash * GRAM_PRIME + (newData[at + GRAM - 1] & 0xff)
                        - (newData[at - 1] & 0xff) * GRAM_PRIME_POWER;
            } else {
                hash = 0;
                for (int k = 0; k < GRAM; k++) {
                    hash = hash * GRAM_PRIME + (newData[at + k] & 0xff);
                }
            }
            hashedAt = at;
            return hash;
        }
    }
}
