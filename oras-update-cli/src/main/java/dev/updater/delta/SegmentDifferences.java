package dev.updater.delta;

import java.util.Arrays;

/**
 * One segment's difference bytes as the applier adds them to source bytes. Most of them are zeros (code that moved
 * unchanged but for some addresses): a zero run of {@link #SKIPPED_ZEROS} bytes or more is kept as a span that is
 * neither filled nor added, and the source bytes under it are the output as they are (already copied into the
 * output's buffer). The rest is a byte array indexed like the segment's differences. The applier consumes the
 * differences in order, so the next span is found from a cursor.
 */
final class SegmentDifferences {
    /**
     * Zero runs at least this long are skipped rather than added. Measured applying esbuild 0.23.1 to 0.24.0 in a
     * loop (best of 15, code compiled as the launcher compiles it): 4, 8, 16, 32 and 64 within the noise (59-74
     * ms); skipping them at all (with the four-at-a-time call scan in {@link CallAddresses}) took the apply from
     * 84-99 to 67-74 ms, and biome 1.9 (27 MB) from 170-192 to 123-138 ms; the first apply in a JVM, which is what
     * a device runs, 450-500 to 320-400 ms.
     */
    static final int SKIPPED_ZEROS = 16;

    private byte[] bytes = new byte[0];
    private int[] skipStarts = new int[64];
    private int[] skipEnds = new int[64];
    private int skips;
    private int cursor;
    private int length;

    /** Starts a segment of {@code total} difference bytes. */
    void start(int total) {
        if (bytes.length < total) {
            bytes = new byte[total];
        }
        length = total;
        skips = 0;
        cursor = 0;
    }

    /** The array the current segment's non-skipped difference bytes are read into, at their own positions. */
    byte[] bytes() {
        return bytes;
    }

    /** {@code count} zeros at {@code at}, after every run before them. */
    void zeros(int at, int count) {
        if (count < SKIPPED_ZEROS) {
            Arrays.fill(bytes, at, at + count, (byte) 0);
            return;
        }
        if (skips > 0 && skipEnds[skips - 1] == at) {
            skipEnds[skips - 1] = at + count;
            return;
        }
        if (skips == skipStarts.length) {
            skipStarts = Arrays.copyOf(skipStarts, skips * 2);
            skipEnds = Arrays.copyOf(skipEnds, skips * 2);
        }
        skipStarts[skips] = at;
        skipEnds[skips] = at + count;
        skips++;
    }

    /**
     * Adds differences {@code [from, from + n)} to {@code target[at, at + n)}. Calls cover the segment in order:
     * each {@code from} is at or after the previous call's end.
     */
    void addTo(byte[] target, int at, int from, int n) {
        if (from < 0 || n < 0 || from > length - n) {
            throw new IndexOutOfBoundsException("differences [" + from + ", +" + n + ") of " + length);
        }
        int end = from + n;
        int shift = at - from;
        while (cursor < skips && skipEnds[cursor] <= from) {
            cursor++;
        }
        int position = from;
        int span = cursor;
        while (position < end) {
            int skipStart = span < skips ? skipStarts[span] : end;
            int stop = Math.min(end, skipStart);
            for (int k = position; k < stop; k++) {
                target[k + shift] += bytes[k];
            }
            if (stop == end) {
                break;
            }
            position = Math.min(end, skipEnds[span]);
            span++;
        }
    }
}
