package dev.updater.delta;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * zstd for patch bodies (compression 1). Writing needs zstd-jni's native library (bundled for the usual platforms;
 * a publisher runs on one). Applying uses it too when it loads, and otherwise aircompressor's pure-Java decoder, so
 * a device on a platform without the native library (or with a {@code noexec} temporary directory, where zstd-jni
 * unpacks it) still applies zstd patches. {@link ZstdLibrary} loads the library, from the user's cache after the
 * first time. {@code -Dupdate.zstd.decoder=java} forces the pure-Java decoder.
 * Either decoder reads the body through {@link ZstdFrames}, which refuses a frame asking for a window over the limit
 * before the decoder allocates it.
 */
final class ZstdCodec {
    private ZstdCodec() {}

    /** Which decoder an apply uses. */
    enum Decoder { NATIVE, PURE_JAVA }

    private static final class Loaded {
        /** Why the native library did not load; empty when it did. */
        static final java.util.Optional<Throwable> FAILURE = ZstdLibrary.load();
        static final boolean NATIVE = FAILURE.isEmpty();
    }

    /** The decoder this JVM uses: native if zstd-jni loads (and it was not turned off), else pure Java. */
    static Decoder decoder() {
        boolean pureJava = "java".equals(System.getProperty("update.zstd.decoder", "").toLowerCase(Locale.ROOT));
        return !pureJava && Loaded.NATIVE ? Decoder.NATIVE : Decoder.PURE_JAVA;
    }

    /** One block as one zstd frame: content size in the header, no checksum (the target's SHA-256 covers it). */
    static byte[] compress(byte[] data, int length) {
        if (!Loaded.NATIVE) {
            throw new CompressionUnavailableException("zstd compression needs zstd-jni's native library, which does "
                    + "not load on this machine (" + System.getProperty("os.name") + "/"
                    + System.getProperty("os.arch") + ", " + Loaded.FAILURE.get() + "): make the patch with xz "
                    + "compression instead (--compression xz, or push --delta-compression xz)",
                    Loaded.FAILURE.get());
        }
        try (ZstdCompressCtx zstd = new ZstdCompressCtx()) {
            zstd.setLevel(UpdaterFormat.ZSTD_LEVEL);
            int windowLog = fittingWindowLog(length);
            zstd.setWindowLog(windowLog);
            if (windowLog > HASH_LOG) {
                zstd.setHashLog(HASH_LOG);
            }
            zstd.setChainLog(windowLog);
            zstd.setContentSize(true);
            zstd.setChecksum(false);
            // Through direct buffers, not the arrays: zstd-jni pins an array for the whole call (a JNI critical
            // region), and level 19 takes about a second per block, during which no collection can run and the
            // heap grows instead by all the differ allocates meanwhile.
            DirectBlock block = DIRECT_BLOCKS.get().fitting(length);
            block.source.clear();
            block.source.put(data, 0, length);
            int n = zstd.compressDirectByteBuffer(block.target, 0, block.target.capacity(), block.source, 0, length);
            byte[] compressed = new byte[n];
            block.target.get(0, compressed);
            return compressed;
        }
    }

    /** One compressing thread's native copies of a block and its compressed form, reused block after block. */
    private static final class DirectBlock {
        final ByteBuffer source;
        final ByteBuffer target;

        DirectBlock(int length) {
            this.source = ByteBuffer.allocateDirect(length);
            this.target = ByteBuffer.allocateDirect((int) Zstd.compressBound(length));
        }

        static DirectBlock none() {
            return new DirectBlock(0);
        }

        DirectBlock fitting(int length) {
            if (source.capacity() >= length) {
                return this;
            }
            DirectBlock larger = new DirectBlock(length);
            DIRECT_BLOCKS.set(larger);
            return larger;
        }
    }

    private static final ThreadLocal<DirectBlock> DIRECT_BLOCKS = ThreadLocal.withInitial(DirectBlock::none);

    /**
     * The hash table of level 19's match finder (a binary tree per hash: every candidate is still compared byte by
     * byte) at 2^18 heads instead of 2^(window + 1): 1 MiB instead of 16 MiB per encoder for a 4 MiB block. The
     * corpus's patches stayed byte for byte the same from 2^22 down to 2^16, and make peak RSS fell (esbuild 0.23.1 to
     * 0.24.0: 153 to 138 MB, the far jump 175 to 168 MB, medians of 3 interleaved) for the same CPU time; at 2^16 the
     * deeper trees cost 15% more CPU.
     */
    static final int HASH_LOG = 18;

    /*
     * The chain log is the window log: level 19's binary trees (two entries per position) then reach back half the
     * window instead of all of it, and the tree table is 16 MiB instead of 32 MiB for a 4 MiB block. Measured
     * against the window log plus one (what zstd chose): patches 0.08% larger on biome 1.9 (3,042 B), 0.05% on
     * esbuild 0.20 to 0.24.2 (1,423 B), 62 B on 0.23.1 to 0.24.0, the same on 0.24.0 to 0.24.1; make peak RSS
     * (medians of 5 interleaved) 163 to 147 MB on the far jump, 134 to 126 MB on 0.23.1 to 0.24.0, CPU within the
     * noise. One less (a quarter of the window) cost 0.3% on both of the larger pairs.
     */

    /** The smallest window that holds the block: a larger one finds nothing more and costs the decoder memory. */
    static int fittingWindowLog(int length) {
        return Math.max(10, 32 - Integer.numberOfLeadingZeros(Math.max(1, length - 1)));
    }

    /** The decompressed body of a sequence of zstd frames, checked frame by frame. */
    static InputStream decompress(InputStream compressed, Decoder decoder) throws IOException {
        InputStream frames = new ZstdFrames(compressed);
        return switch (decoder) {
            case NATIVE -> new ZstdInputStreamNoFinalizer(frames)
                    .setLongMax(Integer.numberOfTrailingZeros(UpdaterFormat.ZSTD_WINDOW_LIMIT));
            case PURE_JAVA -> new io.airlift.compress.zstd.ZstdInputStream(frames);
        };
    }
}
