package dev.updater.delta;

import java.nio.charset.StandardCharsets;

/**
 * Constants of our patch format (manifest-schema/SPEC.md, "Delta patch format"). The writer and the applier share
 * them; the limits are what a client accepts, whatever a header says.
 */
final class UpdaterFormat {
    private UpdaterFormat() {}

    static final byte[] MAGIC = "UPDPATCH".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    /** Compression ids: 1 is reserved for zstd, which measured 10-15% larger than LZMA2 on the corpus. */
    static final int COMPRESSION_XZ = 2;
    static final int HEADER_SIZE = 96;

    /** Difference bytes the writer puts in one segment: what an applier buffers at most. */
    static final int SEGMENT_ADD_BYTES = 1 << 20;
    /** Steps the writer puts in one segment at most. */
    static final int SEGMENT_STEPS = 1 << 14;

    /** Hard limits of the applier: a header asking for more is refused before anything is allocated. */
    static final int MAX_SEGMENT_ADD_BYTES = 8 << 20;
    static final int MAX_SEGMENT_STEPS = 1 << 16;
    /** Largest source or target file either format accepts (1 TiB). */
    static final long MAX_FILE_SIZE = 1L << 40;

    /**
     * Largest LZMA2 dictionary the writer uses (smaller bodies get a smaller one). The applier's heap holds it
     * whole: 8 MiB keeps a 95 MB target within {@code -Xmx32m}; 4 MiB measured 0.3% larger patches.
     */
    static final int XZ_DICTIONARY = 8 << 20;
    /** A patch whose xz stream needs more decoder memory than this (KiB) is refused before allocating it. */
    static final int XZ_MEMORY_LIMIT_KIB = 12 << 10;
}
