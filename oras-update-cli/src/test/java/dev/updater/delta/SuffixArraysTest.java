package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SuffixArraysTest {

    @Property(tries = 400)
    void sortsSuffixesLikeANaiveSort(@ForAll("texts") byte[] text) {
        int[] expected = IntStream.range(0, text.length).boxed()
                .sorted((a, b) -> Arrays.compareUnsigned(text, a, text.length, text, b, text.length))
                .mapToInt(Integer::intValue).toArray();

        assertArrayEquals(expected, SuffixArrays.of(text));
        assertArrayEquals(expected, SuffixArrays.of(text, 0), "with recounted bucket tables");
    }

    /** A sparse suffix array is the full one with the positions that are not multiples of the step left out. */
    @Property(tries = 300)
    void sampledSuffixesAreTheFullOrderRestrictedToTheSamples(@ForAll("texts") byte[] text,
            @ForAll("steps") int step) {
        int[] expected = Arrays.stream(SuffixArrays.of(text)).filter(p -> p % step == 0).toArray();

        assertArrayEquals(expected, SuffixArrays.sampled(text, step));
    }

    /** The differ's two-byte ranges, computed by counting, are where the (sampled) suffix array puts each prefix. */
    @Property(tries = 300)
    void prefixRangesAgreeWithTheSuffixArray(@ForAll("texts") byte[] text, @ForAll("steps") int step) {
        int[] sa = SuffixArrays.sampled(text, step);
        int[] expectedFirst = new int[1 << 16];
        int[] expectedLast = new int[1 << 16];
        Arrays.fill(expectedFirst, -1);
        Arrays.fill(expectedLast, -1);
        for (int j = 0; j < sa.length; j++) {
            if (sa[j] + 1 < text.length) {
                int key = (text[sa[j]] & 0xff) << 8 | (text[sa[j] + 1] & 0xff);
                if (expectedFirst[key] < 0) {
                    expectedFirst[key] = j;
                }
                expectedLast[key] = j;
            }
        }
        int[] first = new int[1 << 16];
        int[] last = new int[1 << 16];
        OldIndex.prefixRanges(text, step, first, last);
        assertArrayEquals(expectedFirst, first);
        assertArrayEquals(expectedLast, last);
    }

    @Provide
    Arbitrary<Integer> steps() {
        return Arbitraries.of(1, 2, 4, 8);
    }

    /** Small alphabets force deep recursion (many equal LMS substrings); large ones exercise all 256 buckets. */
    @Provide
    Arbitrary<byte[]> texts() {
        Arbitrary<byte[]> binary = Arbitraries.bytes().between((byte) 0, (byte) 1).array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> small = Arbitraries.bytes().between((byte) 'a', (byte) 'c').array(byte[].class)
                .ofMaxSize(300);
        Arbitrary<byte[]> any = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> periodic = Arbitraries.integers().between(1, 7).flatMap(period ->
                Arbitraries.integers().between(0, 400).map(length -> {
                    byte[] b = new byte[length];
                    for (int i = 0; i < length; i++) {
                        b[i] = (byte) (i % period == 0 ? 0xff : i % period);
                    }
                    return b;
                }));
        return Arbitraries.oneOf(binary, small, any, periodic);
    }
}
