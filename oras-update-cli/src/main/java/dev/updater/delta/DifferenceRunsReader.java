package dev.updater.delta;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a segment's difference runs, as {@link DifferenceRuns} writes them, into the applier's
 * {@link SegmentDifferences}. Every count
 * is checked against the segment's total before it is used, and the column layout's run count against
 * {@link UpdaterFormat#MAX_SEGMENT_RUNS} before its arrays are allocated.
 */
final class DifferenceRunsReader {
    private final InputStream body;
    private int[] zeros = new int[0];
    private int[] literals = new int[0];

    DifferenceRunsReader(InputStream body) {
        this.body = body;
    }

    /** Version 2: the layout byte, then runs covering exactly {@code total} bytes, read into {@code into}. */
    void read(SegmentDifferences into, int total) throws IOException {
        int layout = body.read();
        switch (layout) {
            case UpdaterFormat.RUNS_INTERLEAVED -> readInterleaved(into, total);
            case UpdaterFormat.RUNS_IN_COLUMNS -> readColumns(into, total);
            case -1 -> throw new PatchException("patch ends in the middle of difference runs (truncated download?)");
            default -> throw new PatchException("patch has difference runs in an unknown layout (" + layout + ")");
        }
    }

    /** Each run's zero count and literal count, then its literal bytes (version 1's only layout). */
    void readInterleaved(SegmentDifferences into, int total) throws IOException {
        into.start(total);
        int filled = 0;
        while (filled < total) {
            long zeroCount = PatchIo.readVarint(body, "difference runs");
            long literalCount = PatchIo.readVarint(body, "difference runs");
            long remaining = total - filled;
            if (zeroCount > remaining || literalCount > remaining - zeroCount || zeroCount + literalCount == 0) {
                throw new PatchException("patch difference runs do not add up to their segment's total");
            }
            filled = fill(into, filled, (int) zeroCount, (int) literalCount);
        }
    }

    /** The run count, every run's zero count, every run's literal count, then all the literal bytes. */
    private void readColumns(SegmentDifferences into, int total) throws IOException {
        long runs = PatchIo.readVarint(body, "difference runs");
        if (runs > UpdaterFormat.MAX_SEGMENT_RUNS || runs > total) {
            throw new PatchException("patch segment has " + runs + " difference runs, more than its " + total
                    + " difference bytes or the limit of " + UpdaterFormat.MAX_SEGMENT_RUNS);
        }
        int count = (int) runs;
        if (zeros.length < count) {
            zeros = new int[count];
            literals = new int[count];
        }
        long sum = readColumn(zeros, count, total, 0);
        sum = readColumn(literals, count, total, sum);
        if (sum != total) {
            throw new PatchException("patch difference runs do not add up to their segment's total");
        }
        into.start(total);
        int filled = 0;
        for (int r = 0; r < count; r++) {
            if (zeros[r] == 0 && literals[r] == 0) {
                throw new PatchException("patch has an empty difference run");
            }
            filled = fill(into, filled, zeros[r], literals[r]);
        }
    }

    /** Reads {@code count} lengths into {@code column}; their running sum from {@code sum} stays within total. */
    private long readColumn(int[] column, int count, int total, long sum) throws IOException {
        for (int r = 0; r < count; r++) {
            long value = PatchIo.readVarint(body, "difference runs");
            if (value > total - sum) {
                throw new PatchException("patch difference runs do not add up to their segment's total");
            }
            sum += value;
            column[r] = (int) value;
        }
        return sum;
    }

    private int fill(SegmentDifferences into, int at, int zeroCount, int literalCount) throws IOException {
        into.zeros(at, zeroCount);
        at += zeroCount;
        PatchIo.readFully(body, into.bytes(), at, literalCount, "difference bytes");
        return at + literalCount;
    }
}
