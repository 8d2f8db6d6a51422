package dev.updater.delta;

import java.nio.charset.StandardCharsets;

/**
 * Constants of our patch format (manifest-schema/SPEC.md, "Delta patch format"). The writer and the applier share
 * them; the limits are what a client accepts, whatever a header says.
 */
final class UpdaterFormat {
    private UpdaterFormat() {}

    static final byte[] MAGIC = "UPDPATCH".getBytes(StandardCharsets.US_ASCII);
    /**
     * The format version the writer writes. Version 2 changed the body's layout, not its compression: source
     * positions relative to the previous step's end, larger segments, difference runs in one of two layouts
     * chosen per segment ({@link #RUNS_INTERLEAVED}, {@link #RUNS_IN_COLUMNS}) and literals with or without
     * absolute call addresses ({@link #LITERALS_CALLS_ABSOLUTE}). Version 1 patches still apply.
     */
    static final int VERSION = 2;
    /** The first version: absolute positions, runs interleaved with their bytes. */
    static final int VERSION_1 = 1;
    /**
     * Compression ids. 1: a sequence of zstd frames, one per block (the default: decodes about twenty times faster
     * than xz, for 6-8% larger patches on the corpus with format version 2). 2: one xz stream (what earlier versions wrote; still
     * applied). 3: a sequence of xz streams, one per block of {@link #XZ_BLOCK} body bytes, compressed in parallel.
     */
    static final int COMPRESSION_ZSTD_BLOCKS = 1;
    static final int COMPRESSION_XZ = 2;
    static final int COMPRESSION_XZ_BLOCKS = 3;
    static final int HEADER_SIZE = 96;

    /**
     * Difference bytes the writer puts in one segment: what an applier buffers at most. 4 MiB rather than version
     * 1's 1 MiB: longer columns compress better (zstd: 0.3-0.7% smaller patches on the corpus's 10-28 MB pairs).
     */
    static final int SEGMENT_ADD_BYTES = 4 << 20;
    /** Steps the writer puts in one segment at most. */
    static final int SEGMENT_STEPS = 1 << 14;

    /** Hard limits of the applier: a header asking for more is refused before anything is allocated. */
    static final int MAX_SEGMENT_ADD_BYTES = 8 << 20;
    static final int MAX_SEGMENT_STEPS = 1 << 16;
    /**
     * Difference runs a segment in the column layout may hold (the applier keeps their two lengths in arrays: 2 MiB
     * at most); a segment with more is written interleaved. The corpus's 4 MiB segments hold 60,000 to 225,000.
     */
    static final int MAX_SEGMENT_RUNS = 1 << 18;

    /**
     * Version 2's difference-run layouts, the byte after a segment's positions. 0: each run's zero count and
     * literal count, then its literal bytes (version 1's layout). 1: the run count, every run's zero count, every
     * run's literal count, then all the literal bytes. zstd (no context modelling) compresses the columns 2-3%
     * smaller where runs are long and noisy (biome 1.9), the interleaved runs 3-7% smaller where they are short
     * and repeat whole (esbuild 0.24.0 to 0.24.1), so the writer tries both per segment.
     */
    static final int RUNS_INTERLEAVED = 0;
    static final int RUNS_IN_COLUMNS = 1;

    /**
     * Version 2's byte before a segment's literals: {@code 0} plain; {@code 1} with x86 call displacements turned
     * into absolute addresses ({@link CallAddresses}).
     */
    static final int LITERALS_PLAIN = 0;
    static final int LITERALS_CALLS_ABSOLUTE = 1;

    /**
     * Version 2's byte before a segment's difference runs: {@code 0} the differences of the bytes; {@code 1} the
     * differences of the bytes with their x86 calls' absolute addresses ({@link CallAddresses}, source and target
     * each from its own position), which stay the same where only the callee moved.
     */
    static final int DIFFERENCES_PLAIN = 0;
    static final int DIFFERENCES_CALLS_ABSOLUTE = 1;
    /** Largest source or target file either format accepts (1 TiB). */
    static final long MAX_FILE_SIZE = 1L << 40;

    /**
     * Uncompressed body bytes per xz stream at most (blocks with few literals end at half this); each stream's
     * dictionary is sized to its block. Two blocks are compressed at a time: on the far-jump pair, 4 MiB blocks cost
     * 0.03% in size against one stream with an 8 MiB dictionary, and take the compression from one core's 5.5 s to
     * about 3.5 s; 2 MiB blocks cost 0.7%. The applier's heap holds one dictionary: a 95 MB target applies with
     * {@code -Xmx32m}.
     */
    static final int XZ_BLOCK = 4 << 20;
    /**
     * A patch whose xz stream needs more decoder memory than this (KiB) is refused before allocating it: room for
     * the 8 MiB dictionary of single-stream patches (compression 2).
     */
    static final int XZ_MEMORY_LIMIT_KIB = 12 << 10;

    /**
     * Largest zstd window (and single-segment frame content) a patch may ask for: a frame header claiming more is
     * refused before a decoder sees it. The writer's frames hold at most {@link #XZ_BLOCK} bytes; twice that leaves
     * room for larger blocks later without letting a hostile header make a decoder allocate gigabytes.
     */
    static final int ZSTD_WINDOW_LIMIT = 8 << 20;

    /** zstd level of the writer: 19 and the ultra levels (20-22) gave the same size on 4 MiB blocks. */
    static final int ZSTD_LEVEL = 19;
}
