package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the differ's plan carries as differences and what as literals, on a large target. */
class DifferPlanTest {
    private static final int MIB = 1 << 20;

    /**
     * Code that moved shifts every reference across it by the same amount: a stretch in which every other byte
     * differs from the old by one repeated amount is carried as differences (mostly that amount, which compresses
     * to nearly nothing), not as literals, even though only half of its bytes agree.
     */
    @Test
    void aStretchOfOneRepeatedDifferenceIsCarriedAsDifferences() {
        byte[] oldData = new byte[4 * MIB];
        new Random(7).nextBytes(oldData);
        int stretch = 4096;
        // new: old [0, 2 MiB), then old [2 MiB, + stretch) with every other byte + 7, then a jump to old
        // [3 MiB, 4 MiB), then old [2 MiB + stretch, 3 MiB): 4 MiB, a large target
        byte[] newData = new byte[4 * MIB];
        System.arraycopy(oldData, 0, newData, 0, 2 * MIB);
        for (int i = 0; i < stretch; i++) {
            newData[2 * MIB + i] = (byte) (oldData[2 * MIB + i] + (i % 2 == 0 ? 7 : 0));
        }
        System.arraycopy(oldData, 3 * MIB, newData, 2 * MIB + stretch, MIB);
        System.arraycopy(oldData, 2 * MIB + stretch, newData, 3 * MIB + stretch, MIB - stretch);
        assertTrue(newData.length >= PatchCompression.SMALL_TARGET);

        DeltaPlan plan = plan(oldData, newData);

        long literals = 0;
        for (int step = 0; step < plan.size(); step++) {
            literals += plan.copyLength(step);
        }
        assertTrue(literals < stretch / 16, "literal bytes " + literals + " in " + plan.size() + " steps");
    }

    private static DeltaPlan plan(byte[] oldData, byte[] newData) {
        int[] suffixes = SuffixArrays.sampled(oldData, Differ.SAMPLE_STEP);
        try (Differ.Slices slices = Differ.planInSlices(oldData, suffixes, new OldIndex(oldData, Differ.SAMPLE_STEP),
                newData, 1, Integer.MAX_VALUE, Differ.STREAM_SLICE)) {
            return slices.whole();
        }
    }
}
