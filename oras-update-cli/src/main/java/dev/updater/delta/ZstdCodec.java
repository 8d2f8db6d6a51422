package dev.updater.delta;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
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
            zstd.setWindowLog(fittingWindowLog(length));
            zstd.setContentSize(true);
            zstd.setChecksum(false);
            byte[] out = new byte[(int) Zstd.compressBound(length)];
            int n = zstd.compressByteArray(out, 0, out.length, data, 0, length);
            return Arrays.copyOf(out, n);
        }
    }

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
