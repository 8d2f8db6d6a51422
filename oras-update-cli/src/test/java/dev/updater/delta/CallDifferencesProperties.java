package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Differences of absolute call addresses: x86-like code where an insertion moved some callees applies exactly, in
 * steps far longer than the applier's 64 KiB windows (calls across every window end), and the writer chose them.
 */
class CallDifferencesProperties {

    @Property(tries = 10)
    void movedCalleesRoundTripThroughTheWindows(@ForAll long seed,
            @ForAll @IntRange(min = 2_000, max = 150_000) int instructions,
            @ForAll @IntRange(min = 1, max = 3_000) int inserted) throws IOException {
        Random random = new Random(seed);
        int[] program = new int[instructions];
        for (int i = 0; i < instructions; i++) {
            program[i] = random.nextInt(4) == 0 ? -1 - random.nextInt(200) : random.nextInt(256);
        }
        // Late in the file: the calls after the insertion reach callees before it, whose addresses did not change
        // (their displacements all did), and the calls before it reach the few moved callees alike either way.
        int insertAt = instructions * 9 / 10;
        byte[] oldData = render(program, -1, 0, seed);
        byte[] newData = render(program, insertAt, inserted, seed);
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            Path oldFile = files.write("old", oldData);
            Path newFile = files.write("new", newData);
            for (PatchCompression compression : PatchCompression.values()) {
                Path patch = files.dir.resolve("patch");
                Path rebuilt = files.dir.resolve("rebuilt");
                DeltaEngine.diff(oldFile, newFile, patch, PatchFormat.UPDATER, compression);
                try (InputStream in = Files.newInputStream(patch)) {
                    DeltaEngine.apply(oldFile, in, PatchFormat.UPDATER, rebuilt);
                }
                assertArrayEquals(newData, Files.readAllBytes(rebuilt), compression.id());
                if (compression == PatchCompression.ZSTD && oldData.length > 100_000) {
                    assertEquals(UpdaterFormat.DIFFERENCES_CALLS_ABSOLUTE, firstDifferencesFilter(patch),
                            "calls to moved callees differ in their address only");
                }
            }
        }
    }

    /**
     * Opcode-like bytes and {@code call rel32} to 200 functions (negative entries), spread over the program; with
     * {@code inserted} filler bytes before instruction {@code insertAt}, the functions after it move.
     */
    private static byte[] render(int[] program, int insertAt, int inserted, long seed) {
        int[] address = new int[200];
        int position = 0;
        int[] positions = new int[program.length];
        for (int i = 0; i < program.length; i++) {
            if (i == insertAt) {
                position += inserted;
            }
            positions[i] = position;
            position += program[i] < 0 ? 5 : 1;
        }
        for (int f = 0; f < address.length; f++) {
            address[f] = positions[(int) ((f * 7919L) % program.length)];
        }
        byte[] out = new byte[position];
        Random filler = new Random(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < program.length; i++) {
            if (i == insertAt) {
                for (int k = 0; k < inserted; k++) {
                    out[positions[i] - inserted + k] = (byte) filler.nextInt(256);
                }
            }
            int at = positions[i];
            if (program[i] < 0) {
                int displacement = address[-1 - program[i]] - (at + 5);
                out[at] = (byte) 0xE8;
                for (int k = 0; k < 4; k++) {
                    out[at + 1 + k] = (byte) (displacement >> (8 * k));
                }
            } else {
                out[at] = (byte) (program[i] == 0xE8 ? 0x90 : program[i]);
            }
        }
        return out;
    }

    /** The differences filter byte of the body's first segment. */
    private static int firstDifferencesFilter(Path patch) throws IOException {
        byte[] bytes = Files.readAllBytes(patch);
        try (InputStream body = ZstdCodec.decompress(new ByteArrayInputStream(bytes, UpdaterFormat.HEADER_SIZE,
                bytes.length - UpdaterFormat.HEADER_SIZE), ZstdCodec.decoder())) {
            long count = PatchIo.readVarint(body, "count");
            PatchIo.readVarint(body, "adds");
            PatchIo.readVarint(body, "copies");
            for (long i = 0; i < 3 * count; i++) {
                PatchIo.readVarint(body, "steps");
            }
            return body.read();
        }
    }
}
