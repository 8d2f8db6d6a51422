package dev.updater.delta;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the body of an updater patch is compressed (the header's compression byte; manifest-schema/SPEC.md, "Delta
 * patch format"). Either way the body is cut in the same blocks and each block is compressed on its own, so the
 * patch bytes do not depend on the number of threads.
 */
public enum PatchCompression {
    /**
     * zstd frames, the default for large targets: decodes about twenty times faster than xz (a device's apply time
     * is its downtime), for patches 6-8% larger on the benchmark corpus (format version 2; biome 1.9: 3,711,078 against 3,433,220 bytes).
     */
    ZSTD(UpdaterFormat.COMPRESSION_ZSTD_BLOCKS),
    /** xz (LZMA2) streams, the default for small targets: the smallest patches, slow to decode on a device. */
    XZ(UpdaterFormat.COMPRESSION_XZ_BLOCKS);

    /**
     * Targets below this size get xz by default ({@link #forTarget}): their bodies are small, so xz's slower
     * decoding costs a device milliseconds, and xz's patches are mostly the smaller ones (pybricks firmware:
     * 20,644 against 21,393 bytes; jackson-databind 48,844 against 48,786). From this size on, zstd: on biome 1.9 (28 MB) xz decoding was most of a 2.3 s apply.
     */
    public static final long SMALL_TARGET = 3L << 20;

    private final int headerId;

    PatchCompression(int headerId) {
        this.headerId = headerId;
    }

    /** The compression byte this writes into the patch header. */
    int headerId() {
        return headerId;
    }

    /** The name used on the command line and in {@code --json} output: {@code zstd} or {@code xz}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The default for a target of {@code targetSize} bytes: xz below {@link #SMALL_TARGET}, zstd from there. */
    public static PatchCompression forTarget(long targetSize) {
        return targetSize < SMALL_TARGET ? XZ : ZSTD;
    }

    /** The compression named {@code name} ({@code zstd} or {@code xz}, any case). */
    public static PatchCompression fromId(String name) {
        return Arrays.stream(values())
                .filter(c -> c.id().equals(name.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown patch compression '" + name + "': use "
                        + Arrays.stream(values()).map(PatchCompression::id).toList()));
    }
}
