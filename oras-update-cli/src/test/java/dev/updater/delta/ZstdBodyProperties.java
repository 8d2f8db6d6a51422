package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import org.tukaani.xz.XZInputStream;

/**
 * Compression 1, zstd frames: patches round-trip with the native decoder and the pure-Java one alike, decode to the
 * same body as xz, and a truncated, corrupt or hostile body is a {@link PatchException} (exit 4) with nothing
 * written, never an unbounded allocation.
 */
class ZstdBodyProperties {

    @Property(tries = 40)
    void zstdPatchesRoundTripWithEitherDecoder(@ForAll("pairs") Tuple2<byte[], byte[]> pair) throws IOException {
        byte[] oldData = pair.get1();
        byte[] newData = pair.get2();
        DeltaPlan plan = DeltaTestFiles.plan(oldData, newData);
        byte[] zstd = DeltaTestFiles.patchInBlocks(oldData, newData, plan, 1500, 2, PatchCompression.ZSTD);
        byte[] xz = DeltaTestFiles.patchInBlocks(oldData, newData, plan, 1500, 2, PatchCompression.XZ);
        assertEquals(UpdaterFormat.COMPRESSION_ZSTD_BLOCKS, zstd[9]);
        byte[] body = xzBody(xz);
        for (ZstdCodec.Decoder decoder : ZstdCodec.Decoder.values()) {
            assertArrayEquals(body, zstdBody(zstd, decoder), decoder.name());
        }
        for (ZstdCodec.Decoder decoder : ZstdCodec.Decoder.values()) {
            assertArrayEquals(newData, apply(oldData, zstd, decoder), decoder.name());
        }
    }

    /** The same plan gives the same patch bytes whatever the number of compression threads. */
    @Property(tries = 15)
    void zstdPatchesDoNotDependOnTheThreadCount(@ForAll("pairs") Tuple2<byte[], byte[]> pair) throws IOException {
        DeltaPlan plan = DeltaTestFiles.plan(pair.get1(), pair.get2());
        assertArrayEquals(DeltaTestFiles.patchInBlocks(pair.get1(), pair.get2(), plan, 1000, 1, PatchCompression.ZSTD),
                DeltaTestFiles.patchInBlocks(pair.get1(), pair.get2(), plan, 1000, 3, PatchCompression.ZSTD));
    }

    /** Every cut of a zstd patch, with either decoder, is refused as a patch failure and leaves no output. */
    @Property(tries = 60)
    void truncatedZstdPatchesAreRefused(@ForAll("pairs") Tuple2<byte[], byte[]> pair, @ForAll Random random)
            throws IOException {
        byte[] oldData = pair.get1();
        byte[] patch = DeltaTestFiles.patchInBlocks(oldData, pair.get2(), DeltaTestFiles.plan(oldData, pair.get2()),
                1500, 2, PatchCompression.ZSTD);
        byte[] cut = Arrays.copyOf(patch, random.nextInt(patch.length));
        for (ZstdCodec.Decoder decoder : ZstdCodec.Decoder.values()) {
            assertRefused(oldData, cut, "", decoder);
        }
    }

    /**
     * Mutated zstd patches, applied with each decoder: a {@link PatchException} with no output, or the exact
     * target; nothing else (no other exception, no crash of the pure-Java decoder).
     */
    @Example
    void mutatedZstdPatchesFailAsPatchErrors() throws IOException {
        byte[] oldData = DeltaTestFiles.codeLike(31, 30_000);
        byte[] newData = DeltaTestFiles.nextRelease(oldData, 32);
        byte[] patch = DeltaTestFiles.patchInBlocks(oldData, newData, DeltaTestFiles.plan(oldData, newData), 2000, 2,
                PatchCompression.ZSTD);
        Random random = new Random(20261203);
        List<String> wrong = new ArrayList<>();
        int rejected = 0;
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            Path oldFile = files.write("old", oldData);
            Path out = files.dir.resolve("out");
            for (int i = 0; i < 400; i++) {
                byte[] mutated = patch.clone();
                for (int k = 1 + random.nextInt(3); k > 0; k--) {
                    int at = UpdaterFormat.HEADER_SIZE + random.nextInt(patch.length - UpdaterFormat.HEADER_SIZE);
                    mutated[at] = (byte) random.nextInt(256);
                }
                ZstdCodec.Decoder decoder = ZstdCodec.Decoder.values()[i % 2];
                try {
                    withDecoder(decoder, () -> DeltaEngine.apply(oldFile, new ByteArrayInputStream(mutated),
                            PatchFormat.UPDATER, out));
                    if (!Arrays.equals(newData, Files.readAllBytes(out))) {
                        wrong.add("#" + i + " " + decoder + ": applied to a wrong result");
                    }
                    Files.delete(out);
                } catch (PatchException e) {
                    rejected++;
                    if (Files.exists(out)) {
                        wrong.add("#" + i + " " + decoder + ": output left behind after " + e.getMessage());
                    }
                } catch (Exception | Error e) {
                    wrong.add("#" + i + " " + decoder + ": " + e);
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(rejected > 200, rejected + " rejected");
    }

    /** diff's default: xz bodies for targets under 3 MiB (smaller, still quick to apply), zstd from there. */
    @Example
    void theDefaultCompressionIsXzForSmallTargetsAndZstdForLargeOnes() throws IOException {
        assertEquals(PatchCompression.XZ, PatchCompression.forTarget(PatchCompression.SMALL_TARGET - 1));
        assertEquals(PatchCompression.ZSTD, PatchCompression.forTarget(PatchCompression.SMALL_TARGET));
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            byte[] small = DeltaTestFiles.codeLike(41, 100_000);
            byte[] large = DeltaTestFiles.codeLike(42, (int) PatchCompression.SMALL_TARGET);
            for (byte[] target : List.of(small, large)) {
                Path patch = files.dir.resolve("patch");
                DeltaEngine.diff(files.write("old", DeltaTestFiles.nextRelease(target, 43)),
                        files.write("new", target), patch, PatchFormat.UPDATER);
                assertEquals(PatchCompression.forTarget(target.length).headerId(), Files.readAllBytes(patch)[9]);
            }
        }
    }

    @Example
    void aFrameClaimingAHugeWindowIsRefusedBeforeDecoding() throws IOException {
        // Frame header: magic, descriptor without single segment, window descriptor exponent 20 (1 GiB), then
        // a block header; no decoder may see it.
        byte[] frame = {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD, 0x00, (byte) (20 << 3), 0x01, 0x00, 0x00};
        assertHostileFrame(frame, "window");
        // Single segment with an 8-byte content size of 1 TiB: the window is the content.
        byte[] single = {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD, (byte) 0xE0, 0, 0, 0, 0, 0x01, 0, 0, 0};
        assertHostileFrame(single, "window");
        // Just over the limit (8 MiB + 1 MiB: exponent 13, mantissa 1).
        byte[] overLimit = {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD, 0x00, (byte) (13 << 3 | 1)};
        assertHostileFrame(overLimit, "limit");
        byte[] dictionary = {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD, 0x21, 0x07, 0x10};
        assertHostileFrame(dictionary, "dictionary");
        byte[] skippable = {0x50, 0x2A, 0x4D, 0x18, 0x04, 0, 0, 0, 1, 2, 3, 4};
        assertHostileFrame(skippable, "magic");
        // A good frame header, then a compressed block claiming 1 MiB (zstd blocks hold 128 KiB at most).
        byte[] bigBlock = {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD, 0x20, 0x10, (byte) 0x04, 0x00,
            (byte) 0x80};
        assertHostileFrame(bigBlock, "block");
    }

    private static void assertHostileFrame(byte[] frame, String messagePart) throws IOException {
        byte[] oldData = DeltaTestFiles.codeLike(5, 5000);
        byte[] newData = DeltaTestFiles.nextRelease(oldData, 6);
        byte[] valid = DeltaTestFiles.patchInBlocks(oldData, newData, DeltaTestFiles.plan(oldData, newData), 1500, 1,
                PatchCompression.ZSTD);
        ByteArrayOutputStream patch = new ByteArrayOutputStream();
        patch.write(valid, 0, UpdaterFormat.HEADER_SIZE);
        patch.write(frame);
        patch.write(new byte[64]);
        byte[] hostile = patch.toByteArray();
        for (ZstdCodec.Decoder decoder : ZstdCodec.Decoder.values()) {
            PatchException e = assertThrows(PatchException.class, () -> zstdBody(hostile, decoder));
            assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        }
        for (ZstdCodec.Decoder decoder : ZstdCodec.Decoder.values()) {
            assertRefused(oldData, hostile, messagePart, decoder);
        }
    }

    /** The body of a zstd patch as the applier's decoder reads it, failures typed as the applier types them. */
    private static byte[] zstdBody(byte[] patch, ZstdCodec.Decoder decoder) throws IOException {
        assertEquals(UpdaterFormat.COMPRESSION_ZSTD_BLOCKS, patch[9]);
        InputStream compressed = new ByteArrayInputStream(patch, UpdaterFormat.HEADER_SIZE,
                patch.length - UpdaterFormat.HEADER_SIZE);
        try (InputStream body = new PatchInput(new LazyOpen(compressed, decoder), "compressed body")) {
            return body.readAllBytes();
        }
    }

    /** Opens the decoder on the first read, as the applier does, so header failures are read failures. */
    private static final class LazyOpen extends InputStream {
        private final InputStream raw;
        private final ZstdCodec.Decoder decoder;
        private InputStream in;

        LazyOpen(InputStream raw, ZstdCodec.Decoder decoder) {
            this.raw = raw;
            this.decoder = decoder;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                in = ZstdCodec.decompress(raw, decoder);
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in().read(b, off, len);
        }
    }

    private static byte[] xzBody(byte[] patch) throws IOException {
        try (InputStream body = new XZInputStream(new ByteArrayInputStream(patch, UpdaterFormat.HEADER_SIZE,
                patch.length - UpdaterFormat.HEADER_SIZE))) {
            return body.readAllBytes();
        }
    }

    private static byte[] apply(byte[] oldData, byte[] patch, ZstdCodec.Decoder decoder) throws IOException {
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            Path rebuilt = files.dir.resolve("rebuilt");
            Path oldFile = files.write("old", oldData);
            withDecoder(decoder, () -> DeltaEngine.apply(oldFile, new ByteArrayInputStream(patch),
                    PatchFormat.UPDATER, rebuilt));
            return Files.readAllBytes(rebuilt);
        }
    }

    private interface Apply {
        void run() throws IOException;
    }

    /** Runs an apply with {@code decoder} chosen the way a user would force it ({@code -Dupdate.zstd.decoder}). */
    private static void withDecoder(ZstdCodec.Decoder decoder, Apply apply) throws IOException {
        String previous = System.getProperty("update.zstd.decoder");
        System.setProperty("update.zstd.decoder", decoder == ZstdCodec.Decoder.PURE_JAVA ? "java" : "");
        try {
            assertEquals(decoder, ZstdCodec.decoder(), "this machine loads zstd-jni's native library");
            apply.run();
        } finally {
            if (previous == null) {
                System.clearProperty("update.zstd.decoder");
            } else {
                System.setProperty("update.zstd.decoder", previous);
            }
        }
    }

    private static void assertRefused(byte[] oldData, byte[] patch, String messagePart, ZstdCodec.Decoder decoder)
            throws IOException {
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            Path rebuilt = files.dir.resolve("rebuilt");
            Path oldFile = files.write("old", oldData);
            PatchException e = assertThrows(PatchException.class, () -> withDecoder(decoder,
                    () -> DeltaEngine.apply(oldFile, new ByteArrayInputStream(patch), PatchFormat.UPDATER, rebuilt)));
            assertTrue(e.getMessage().contains(messagePart), e.getMessage());
            assertEquals(dev.updater.schema.Failure.VERIFICATION, e.failure());
            assertFalse(Files.exists(rebuilt));
        }
    }

    @Provide
    Arbitrary<Tuple2<byte[], byte[]>> pairs() {
        Arbitrary<byte[]> base = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(4000),
                Arbitraries.longs().flatMap(seed -> Arbitraries.integers().between(1, 20_000)
                        .map(size -> DeltaTestFiles.codeLike(seed, size))));
        return Arbitraries.oneOf(
                Combinators.combine(base, base).as(Tuple::of),
                Combinators.combine(base, Arbitraries.longs()).as((b, seed) -> Tuple.of(b,
                        DeltaTestFiles.nextRelease(b, seed))));
    }
}
