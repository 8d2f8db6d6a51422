package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** x86 call addresses in literals: any bytes come back exactly, whatever the chunks the applier reads them in. */
class CallAddressesProperties {

    @Property(tries = 300)
    void decodingInAnyChunksGivesBackTheBytes(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3000) int length,
            @ForAll @IntRange(min = 0, max = 1 << 30) int position, @ForAll @IntRange(min = 5, max = 64) int chunk)
            throws IOException {
        Random random = new Random(seed);
        byte[] original = new byte[length];
        for (int i = 0; i < length; i++) {
            // calls with small displacements are frequent, as in code; other bytes anything
            int kind = random.nextInt(8);
            original[i] = kind == 0 ? (byte) 0xE8 : kind == 1 ? (byte) 0xFF : kind == 2 ? 0 : (byte) random.nextInt();
        }
        // Whole, at any position (addresses wrap modulo 2^25).
        byte[] encoded = original.clone();
        CallAddresses.encode(encoded, 0, length, position);
        CallAddresses.decode(encoded, 0, length, position);
        assertArrayEquals(original, encoded);
        // In the applier's chunks, after the target bytes before the step.
        int before = position % 5000;
        encoded = original.clone();
        CallAddresses.encode(encoded, 0, length, before);
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            Path target = files.dir.resolve("out");
            try (OutputFile out = new OutputFile(target)) {
                out.write(new byte[before], 0, before);
                CallAddresses.copyDecoded(new ByteArrayInputStream(encoded), length, out, new byte[chunk]);
                out.commit();
            }
            byte[] written = Files.readAllBytes(target);
            assertArrayEquals(original, Arrays.copyOfRange(written, before, written.length));
        }
    }

    @Example
    void callsToOneFunctionFromAnywhereCarryTheSameBytes() {
        byte[] code = new byte[40];
        int target = 5000;
        for (int at : new int[] {0, 17, 30}) {
            code[at] = (byte) 0xE8;
            int displacement = target - (1000 + at + 5);
            for (int k = 0; k < 4; k++) {
                code[at + 1 + k] = (byte) (displacement >> (8 * k));
            }
        }
        byte[] encoded = code.clone();
        CallAddresses.encode(encoded, 0, code.length, 1000);
        assertNotEquals(Arrays.toString(code), Arrays.toString(encoded));
        for (int at : new int[] {0, 17, 30}) {
            assertArrayEquals(new byte[] {(byte) 0xE8, (byte) 0x88, 0x13, 0, 0},
                    Arrays.copyOfRange(encoded, at, at + 5), "call at " + at);
        }
        // The last four bytes could start a call that continues past them: not final yet.
        assertEquals(code.length - 4, CallAddresses.decode(encoded, 0, code.length, 1000));
        assertArrayEquals(code, encoded);
    }
}
