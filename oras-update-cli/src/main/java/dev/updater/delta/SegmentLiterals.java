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
                && compressedSize(converted, total) < compressedSize(plain, total);
        out.write(convert ? UpdaterFormat.LITERALS_CALLS_ABSOLUTE : UpdaterFormat.LITERALS_PLAIN);
        out.writeLiteral(convert ? converted : plain, 0, total);
    }

    private int compressedSize(byte[] bytes, int length) {
        int bound = estimator.maxCompressedLength(length);
        if (estimate.length < bound) {
            estimate = new byte[bound];
        }
        return estimator.compress(bytes, 0, length, estimate, 0, estimate.length);
    }
}
