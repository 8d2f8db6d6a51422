package dev.updater.delta;

import io.airlift.compress.zstd.ZstdCompressor;
import java.io.IOException;

/**
 * Writes a segment's literal bytes, the steps' copies, preceded by the byte of version 2 that says whether their
 * x86 calls carry absolute addresses ({@link CallAddresses}): the writer converts them when a fast pure-Java zstd
 * estimate (the same on every machine, as for {@link DifferenceRuns}) finds the segment's literals smaller so.
 */
final class SegmentLiterals {
    private final ZstdCompressor estimator = new ZstdCompressor();
    private byte[] plain = new byte[0];
    private byte[] converted = new byte[0];
    private byte[] estimate = new byte[0];

    /** The copies of steps {@code [0, count)}, which start at target position {@code newPosition}. */
    void write(byte[] newData, int newPosition, int[] adds, int[] copies, int count, CompressedBlocks out)
            throws IOException {
        int total = 0;
        for (int i = 0; i < count; i++) {
            total += copies[i];
        }
        if (plain.length < total) {
            plain = new byte[total];
            converted = new byte[total];
        }
        int filled = 0;
        int position = newPosition;
        for (int i = 0; i < count; i++) {
            position += adds[i];
            System.arraycopy(newData, position, plain, filled, copies[i]);
            System.arraycopy(newData, position, converted, filled, copies[i]);
            CallAddresses.encode(converted, filled, copies[i], position);
            filled += copies[i];
            position += copies[i];
        }
        boolean convert = total >= CallAddresses.INSTRUCTION
                && sampledSize(converted, total) < sampledSize(plain, total);
        out.write(convert ? UpdaterFormat.LITERALS_CALLS_ABSOLUTE : UpdaterFormat.LITERALS_PLAIN);
        out.writeLiteral(convert ? converted : plain, 0, total);
    }

    /**
     * The estimate over at most {@link #SAMPLES} slices of {@link #SAMPLE} bytes spread over the literals: the
     * conversion's gain is much the same all over a segment's new code, and estimating all of it took a second
     * of make CPU on the far jump (6.7 MB of literals).
     */
    private int sampledSize(byte[] bytes, int length) {
        if (length <= SAMPLES * SAMPLE) {
            return compressedSize(bytes, length);
        }
        if (sample.length < SAMPLES * SAMPLE) {
            sample = new byte[SAMPLES * SAMPLE];
        }
        long stride = (length - SAMPLE) / (SAMPLES - 1);
        for (int k = 0; k < SAMPLES; k++) {
            System.arraycopy(bytes, (int) (k * stride), sample, k * SAMPLE, SAMPLE);
        }
        return compressedSize(sample, SAMPLES * SAMPLE);
    }

    private static final int SAMPLES = 8;
    private static final int SAMPLE = 128 << 10;
    private byte[] sample = new byte[0];

    private int compressedSize(byte[] bytes, int length) {
        int bound = estimator.maxCompressedLength(length);
        if (estimate.length < bound) {
            estimate = new byte[bound];
        }
        return estimator.compress(bytes, 0, length, estimate, 0, estimate.length);
    }
}
