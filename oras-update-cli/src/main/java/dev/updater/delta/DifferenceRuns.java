package dev.updater.delta;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import io.airlift.compress.zstd.ZstdCompressor;

/**
 * Writes a segment's difference bytes as runs (a count of zeros, then a count of non-zero bytes and those bytes)
 * in the layout of format version 2 that compresses smaller ({@link UpdaterFormat#RUNS_INTERLEAVED} or
 * {@link UpdaterFormat#RUNS_IN_COLUMNS}), preceded by the layout's byte.
 *
 * <p>The writer compresses both layouts with a fast zstd compressor and keeps the smaller. zstd, without context
 * modelling, compresses the columns 2-3% smaller where runs are long and noisy (biome 1.9) and the interleaved
 * runs 3-7% smaller where they are short and repeat whole (esbuild 0.24.0 to 0.24.1); on every 4 MiB segment of
 * the corpus's three largest pairs the fast compressor's choice was the one level 19 made. The estimate is
 * aircompressor's pure-Java compressor, so the choice, and the patch, is the same on every machine whether or not
 * zstd-jni's native library loads, and for xz bodies too (LZMA2 measured within 0.7% either way on the small pairs).
 */
final class DifferenceRuns {
    private final ZstdCompressor estimator = new ZstdCompressor();
    private byte[] estimate = new byte[0];
    private final Layout interleaved = new Layout();
    private final Layout columns = new Layout();

    /** A layout being written, whose bytes the estimate reads in place: no copy of a segment's runs per estimate. */
    private static final class Layout extends ByteArrayOutputStream {
        byte[] buffer() {
            return buf;
        }
    }
    private int[] zeros = new int[1024];
    private int[] literals = new int[1024];

    /** Writes the layout byte and the runs of {@code differences[0, length)} to {@code out}. */
    void write(byte[] differences, int length, OutputStream out) throws IOException {
        encode(differences, length).writeTo(out);
    }

    /** The layout byte and the runs, in the smaller layout, with their estimated compressed size. */
    record Encoded(byte[] bytes, int estimate) {
        void writeTo(OutputStream out) throws IOException {
            out.write(bytes);
        }
    }

    /** As {@link #write}, into memory. */
    Encoded encode(byte[] differences, int length) throws IOException {
        // sized for the runs at once (their bytes, a layout byte and the counts): no copies while it grows
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + (length >>> 6) + 64);
        int estimate = write(differences, length, out);
        return new Encoded(out.toByteArray(), estimate);
    }

    private int write(byte[] differences, int length, ByteArrayOutputStream out) throws IOException {
        int runs = split(differences, length);
        if (runs > UpdaterFormat.MAX_SEGMENT_RUNS) {
            interleaved.reset();
            interleaved.write(UpdaterFormat.RUNS_INTERLEAVED);
            writeInterleaved(differences, runs, interleaved);
            interleaved.writeTo(out);
            return compressedSize(interleaved);
        }
        interleaved.reset();
        columns.reset();
        writeInterleaved(differences, runs, interleaved);
        writeColumns(differences, runs, columns);
        int columnsSize = compressedSize(columns);
        int interleavedSize = compressedSize(interleaved);
        boolean columnsSmaller = columnsSize < interleavedSize;
        out.write(columnsSmaller ? UpdaterFormat.RUNS_IN_COLUMNS : UpdaterFormat.RUNS_INTERLEAVED);
        (columnsSmaller ? columns : interleaved).writeTo(out);
        return Math.min(columnsSize, interleavedSize);
    }

    private int compressedSize(Layout layout) {
        int bound = estimator.maxCompressedLength(layout.size());
        if (estimate.length < bound) {
            estimate = new byte[bound];
        }
        return estimator.compress(layout.buffer(), 0, layout.size(), estimate, 0, estimate.length);
    }

    /** Finds the runs: {@code zeros[i]} zero bytes, then {@code literals[i]} non-zero ones; returns their count. */
    private int split(byte[] differences, int length) {
        int runs = 0;
        int i = 0;
        while (i < length) {
            int zerosEnd = i;
            while (zerosEnd < length && differences[zerosEnd] == 0) {
                zerosEnd++;
            }
            int literalsEnd = zerosEnd;
            while (literalsEnd < length && differences[literalsEnd] != 0) {
                literalsEnd++;
            }
            if (runs == zeros.length) {
                zeros = java.util.Arrays.copyOf(zeros, runs * 2);
                literals = java.util.Arrays.copyOf(literals, runs * 2);
            }
            zeros[runs] = zerosEnd - i;
            literals[runs] = literalsEnd - zerosEnd;
            runs++;
            i = literalsEnd;
        }
        return runs;
    }

    /** Version 1's layout: each run's two counts, then its bytes. */
    private void writeInterleaved(byte[] differences, int runs, OutputStream out) throws IOException {
        int at = 0;
        for (int r = 0; r < runs; r++) {
            at += zeros[r];
            PatchIo.writeVarint(out, zeros[r]);
            PatchIo.writeVarint(out, literals[r]);
            out.write(differences, at, literals[r]);
            at += literals[r];
        }
    }

    /** The run count, the zero counts, the literal counts, then every run's bytes. */
    private void writeColumns(byte[] differences, int runs, OutputStream out) throws IOException {
        PatchIo.writeVarint(out, runs);
        for (int r = 0; r < runs; r++) {
            PatchIo.writeVarint(out, zeros[r]);
        }
        for (int r = 0; r < runs; r++) {
            PatchIo.writeVarint(out, literals[r]);
        }
        int at = 0;
        for (int r = 0; r < runs; r++) {
            at += zeros[r];
            out.write(differences, at, literals[r]);
            at += literals[r];
        }
    }
}
