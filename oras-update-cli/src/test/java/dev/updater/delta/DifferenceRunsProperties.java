package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Difference runs in version 2's two layouts: written, read back exactly; each layout chosen where it is smaller. */
class DifferenceRunsProperties {

    @Property(tries = 200)
    void runsReadBackAsWritten(@ForAll long seed, @ForAll @IntRange(min = 0, max = 20_000) int length,
            @ForAll @IntRange(min = 0, max = 100) int nonZeroPercent) throws IOException {
        Random random = new Random(seed);
        byte[] differences = new byte[length];
        for (int i = 0; i < length; i++) {
            differences[i] = random.nextInt(100) < nonZeroPercent ? (byte) (1 + random.nextInt(255)) : 0;
        }
        byte[] encoded = encode(differences);
        ByteArrayInputStream in = new ByteArrayInputStream(encoded);
        SegmentDifferences read = new SegmentDifferences();
        new DifferenceRunsReader(in).read(read, length);
        assertEquals(0, in.available(), "the reader takes exactly the runs");
        // Added to source bytes in chunks of any size, as the applier adds them (the zeros of long runs skipped).
        byte[] source = new byte[length];
        random.nextBytes(source);
        byte[] sum = source.clone();
        for (int from = 0; from < length; ) {
            int n = Math.min(length - from, random.nextInt(3) == 0 ? random.nextInt(4) : random.nextInt(600));
            read.addTo(sum, from, from, n);
            from += n;
        }
        for (int i = 0; i < length; i++) {
            assertEquals((byte) (source[i] + differences[i]), sum[i], "byte " + i);
        }
    }

    /** A segment read after a longer one: nothing of the earlier segment's bytes or skipped spans stays. */
    @Example
    void aSegmentReusesNothingOfThePreviousOne() throws IOException {
        byte[] first = new byte[5000];
        java.util.Arrays.fill(first, 100, 4000, (byte) 7);
        byte[] second = new byte[3000];
        second[2999] = 1;
        SegmentDifferences read = new SegmentDifferences();
        DifferenceRunsReader reader = new DifferenceRunsReader(new ByteArrayInputStream(
                concat(encode(first), encode(second))));
        reader.read(read, first.length);
        reader.read(read, second.length);
        byte[] sum = new byte[second.length];
        read.addTo(sum, 0, 0, sum.length);
        assertArrayEquals(second, sum);
        org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                () -> read.addTo(new byte[10], 0, second.length - 5, 10), "past the segment's end");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /**
     * Short runs whose zero count goes with their bytes (displacements that moved alike, each kind at its own
     * distance) stay interleaved: each run repeats whole, while the columns would split every pair apart.
     */
    @Example
    void runsThatRepeatWholeStayInterleaved() throws IOException {
        byte[][] kinds = {{0x10}, {(byte) 0xf0, (byte) 0xff}, {0x08, 0x01}, {0x30}, {(byte) 0xe8, (byte) 0xfe, -1}};
        ByteArrayOutputStream differences = new ByteArrayOutputStream();
        Random random = new Random(1);
        for (int run = 0; run < 20_000; run++) {
            int kind = random.nextInt(kinds.length);
            differences.writeBytes(new byte[12 + 8 * kind + random.nextInt(2)]);
            differences.writeBytes(kinds[kind]);
        }
        assertEquals(UpdaterFormat.RUNS_INTERLEAVED, encode(differences.toByteArray())[0]);
    }

    /** Long runs of noisy bytes between zeros of varied lengths (data tables that changed) go in columns. */
    @Example
    void noisyRunsGoInColumns() throws IOException {
        byte[] differences = new byte[200_000];
        Random random = new Random(2);
        for (int at = 0; at < differences.length - 40; at += 40 + random.nextInt(200)) {
            for (int k = 0; k < 12 + random.nextInt(20); k++) {
                differences[at + k] = (byte) (1 + random.nextInt(4));
            }
        }
        assertEquals(UpdaterFormat.RUNS_IN_COLUMNS, encode(differences)[0]);
    }

    private static byte[] encode(byte[] differences) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DifferenceRuns().write(differences, differences.length, out);
        return out.toByteArray();
    }
}
