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
     * The default: zstd frames. Decodes about twenty times faster than xz (a device's apply time is its downtime),
     * for patches about 7-9% larger on the benchmark corpus.
     */
    ZSTD(UpdaterFormat.COMPRESSION_ZSTD_BLOCKS),
    /** xz (LZMA2) streams: the smallest patches, slow to decode on a device. */
    XZ(UpdaterFormat.COMPRESSION_XZ_BLOCKS);

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

    /** The compression named {@code name} ({@code zstd} or {@code xz}, any case). */
    public static PatchCompression fromId(String name) {
        return Arrays.stream(values())
                .filter(c -> c.id().equals(name.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown patch compression '" + name + "': use "
                        + Arrays.stream(values()).map(PatchCompression::id).toList()));
    }
}
