package dev.updater.delta;

import static dev.updater.delta.UpdaterFormat.HEADER_SIZE;
import static dev.updater.delta.UpdaterFormat.MAGIC;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a plan in our format: header, then the segments compressed in blocks, each a zstd frame or an xz (LZMA2)
 * stream ({@link CompressedBlocks}; SPEC.md, "Delta patch format").
 * Difference bytes are mostly zero; they go in as runs (zeros, then non-zero literals), which compresses within
 * 5% of the raw bytes' size in an eighth of the time (measured on esbuild 0.24.0 to 0.24.1), in the layout that
 * suits the segment ({@link DifferenceRuns}).
 */
final class UpdaterPatchWriter {
    private UpdaterPatchWriter() {}

    /** The plan of the new file, in slices that arrive in new-file order (possibly still being computed). */
    interface PlanSlices {
        int count();

        /** Slice {@code index}, waiting for it if it is still being matched. */
        DeltaPlan slice(int index);
    }

    static void write(byte[] oldData, byte[] newData, DeltaPlan plan, OutputStream out) throws IOException {
        write(oldData, newData, Sha256.of(oldData), Sha256.of(newData), whole(plan), out, PatchCompression.ZSTD);
    }

    /** A plan computed whole, as slices. */
    static PlanSlices whole(DeltaPlan plan) {
        return new PlanSlices() {
            @Override
            public int count() {
                return 1;
            }

            @Override
            public DeltaPlan slice(int index) {
                return plan;
            }
        };
    }

    /**
     * Writes the patch while the differ still matches later slices: each block of the body (at most
     * {@link UpdaterFormat#XZ_BLOCK} bytes) is compressed as soon as it is complete, beside the matching and beside
     * the previous block.
     */
    static void write(byte[] oldData, byte[] newData, byte[] oldDigest, byte[] newDigest, PlanSlices slices,
            OutputStream out) throws IOException {
        write(oldData, newData, oldDigest, newDigest, slices, out, PatchCompression.ZSTD);
    }

    /** As above, the body compressed with {@code compression}. */
    static void write(byte[] oldData, byte[] newData, byte[] oldDigest, byte[] newDigest, PlanSlices slices,
            OutputStream out, PatchCompression compression) throws IOException {
        write(oldData, newData, oldDigest, newDigest, slices, out, compression, UpdaterFormat.XZ_BLOCK,
                COMPRESSION_THREADS);
    }

    /** xz, with the body cut in blocks of {@code blockBytes} compressed on up to {@code threads} threads. */
    static void write(byte[] oldData, byte[] newData, byte[] oldDigest, byte[] newDigest, PlanSlices slices,
            OutputStream out, int blockBytes, int threads) throws IOException {
        write(oldData, newData, oldDigest, newDigest, slices, out, PatchCompression.XZ, blockBytes, threads);
    }

    /** As above, in {@code compression}. */
    static void write(byte[] oldData, byte[] newData, byte[] oldDigest, byte[] newDigest, PlanSlices slices,
            OutputStream out, PatchCompression compression, int blockBytes, int threads) throws IOException {
        out.write(header(oldData.length, newData.length, oldDigest, newDigest, compression));
        try (CompressedBlocks body = new CompressedBlocks(out, compression, blockBytes, threads)) {
            Segments segments = new Segments(oldData, newData, body);
            for (int next = 0; next < slices.count(); next++) {
                segments.addAll(slices.slice(next));
            }
            segments.finish();
            PatchIo.writeVarint(body, 0);
            body.finish();
        }
    }

    /**
     * One: the body's blocks are compressed one at a time whatever the machine (the bytes do not depend on it), beside
     * the differ's two matching threads. Each encoder in flight holds 18-46 MiB (zstd level 19 with a 4 MiB window,
     * xz): a second one, measured in the same runs, cost 18 MB of peak RSS on biome 1.9 (207 against 225 MB) and
     * 40 MB on esbuild 0.20 to 0.24.2 (148-160 against 197 MB), for the same CPU time; only the far jump's wall time
     * grew (4.5 against 3 s: its blocks are mostly literals, slow to compress).
     */
    static final int COMPRESSION_THREADS = 1;

    private static byte[] header(long oldSize, long newSize, byte[] oldDigest, byte[] newDigest,
            PatchCompression compression) {
        byte[] header = new byte[HEADER_SIZE];
        System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
        header[8] = (byte) UpdaterFormat.VERSION;
        header[9] = (byte) compression.headerId();
        // bytes 10..15 reserved, zero
        PatchIo.writeLongBigEndian(header, 16, oldSize);
        PatchIo.writeLongBigEndian(header, 24, newSize);
        System.arraycopy(oldDigest, 0, header, 32, 32);
        System.arraycopy(newDigest, 0, header, 64, 32);
        return header;
    }

    /**
     * Groups steps into segments. Steps longer than a segment's difference budget are cut into several steps: the
     * applier's buffer is fixed.
     */
    private static final class Segments {
        private final byte[] oldData;
        private final byte[] newData;
        private final CompressedBlocks out;
        private final DifferenceRuns runs = new DifferenceRuns();
        private final SegmentLiterals literals = new SegmentLiterals();
        private final int[] oldPositions = new int[UpdaterFormat.SEGMENT_STEPS];
        private final int[] adds = new int[UpdaterFormat.SEGMENT_STEPS];
        private final int[] copies = new int[UpdaterFormat.SEGMENT_STEPS];
        private final byte[] differences;
        /** The differences of the bytes with absolute call addresses. */
        private final byte[] callDifferences;
        /** A window of source bytes being converted: the converted source is subtracted a window at a time. */
        private final byte[] convertedOld = new byte[CallAddresses.WINDOW_BYTES];
        private int count;
        private long addTotal;
        private int newPosition;
        /** Where the previous step's source bytes ended: positions are written relative to it. */
        private long previousEnd;

        Segments(byte[] oldData, byte[] newData, CompressedBlocks out) {
            this.oldData = oldData;
            this.newData = newData;
            this.out = out;
            // A segment's difference bytes are new bytes: a small target needs less than a segment's budget (the
            // buffers were 16 MiB at full size: make RSS of pybricks firmware 92 to 76 MB, jackson-databind 97 to
            // 87 MB).
            int buffer = Math.min(UpdaterFormat.SEGMENT_ADD_BYTES, newData.length);
            this.differences = new byte[buffer];
            this.callDifferences = new byte[buffer];
        }

        void addAll(DeltaPlan plan) throws IOException {
            for (int step = 0; step < plan.size(); step++) {
                add(plan.oldPosition(step), plan.addLength(step), plan.copyLength(step));
            }
        }

        private void add(int oldPosition, int add, int copy) throws IOException {
            while (true) {
                int room = (int) (UpdaterFormat.SEGMENT_ADD_BYTES - addTotal);
                if (count == UpdaterFormat.SEGMENT_STEPS || (add > 0 && room == 0)) {
                    flushSegment();
                    continue;
                }
                int take = Math.min(add, room);
                boolean last = take == add;
                oldPositions[count] = oldPosition;
                adds[count] = take;
                copies[count] = last ? copy : 0;
                count++;
                addTotal += take;
                if (last) {
                    return;
                }
                oldPosition += take;
                add -= take;
            }
        }

        void finish() throws IOException {
            if (count > 0) {
                flushSegment();
            }
        }

        private void flushSegment() throws IOException {
            long copyTotal = 0;
            for (int i = 0; i < count; i++) {
                copyTotal += copies[i];
            }
            PatchIo.writeVarint(out, count);
            PatchIo.writeVarint(out, addTotal);
            PatchIo.writeVarint(out, copyTotal);
            // Column by column: like values side by side compress better (measured: a tenth off the steps' share).
            for (int i = 0; i < count; i++) {
                PatchIo.writeVarint(out, adds[i]);
            }
            for (int i = 0; i < count; i++) {
                PatchIo.writeVarint(out, copies[i]);
            }
            // Positions relative to where the previous step's source bytes ended: most steps continue close by.
            // Against version 1's fixed-width absolute positions: zstd patches 0.7% smaller on esbuild 0.23.1 to
            // 0.24.0 (18,618 steps), 0.4% on biome; LZMA2 0.6% smaller on pybricks firmware.
            for (int i = 0; i < count; i++) {
                PatchIo.writeSignedVarint(out, oldPositions[i] - previousEnd);
                previousEnd = oldPositions[i] + (long) adds[i];
            }
            int filled = 0;
            int position = newPosition;
            for (int i = 0; i < count; i++) {
                int add = adds[i];
                int source = oldPositions[i];
                for (int k = 0; k < add; k++) {
                    differences[filled + k] = (byte) (newData[position + k] - oldData[source + k]);
                }
                // The converted target in place, then the converted source subtracted from it.
                System.arraycopy(newData, position, callDifferences, filled, add);
                CallAddresses.encode(callDifferences, filled, add, position);
                subtractConvertedSource(source, add, filled);
                filled += add;
                position += add + copies[i];
            }
            // Where code moved, calls to callees that moved otherwise differ in every call site's displacement
            // but in the callee's address only: esbuild 0.24.0 to 0.24.1's differences compressed 6.6% smaller so.
            DifferenceRuns.Encoded plain = runs.encode(differences, filled);
            DifferenceRuns.Encoded calls = runs.encode(callDifferences, filled);
            boolean absolute = calls.estimate() < plain.estimate();
            out.write(absolute ? UpdaterFormat.DIFFERENCES_CALLS_ABSOLUTE : UpdaterFormat.DIFFERENCES_PLAIN);
            (absolute ? calls : plain).writeTo(out);
            literals.write(newData, newPosition, adds, copies, count, out);
            newPosition = position;
            count = 0;
            addTotal = 0;
        }

        /**
         * Subtracts old {@code [source, source + length)}, its calls converted, from {@code callDifferences} at
         * {@code at}: a window at a time (a call across a window's end waits for the next one), as the applier
         * converts the source, instead of a converted copy of a whole segment's source (4 MiB).
         */
        private void subtractConvertedSource(int source, int length, int at) {
            int done = 0;
            while (done < length) {
                int remaining = length - done;
                int look = CallAddresses.windowLength(remaining);
                System.arraycopy(oldData, source + done, convertedOld, 0, look);
                int end = CallAddresses.encodeWindow(convertedOld, look, remaining, source + done);
                for (int k = 0; k < end; k++) {
                    callDifferences[at + done + k] -= convertedOld[k];
                }
                done += end;
            }
        }
    }
}
