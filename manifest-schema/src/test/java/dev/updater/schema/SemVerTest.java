package dev.updater.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SemVerTest {

    @Test
    void precedenceFollowsSemverOrgExample() {
        // The ordering example given in semver.org section 11.
        List<String> ordered = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1");
        List<SemVer> shuffled = new ArrayList<>(ordered.stream().map(SemVer::parse).toList());
        Collections.shuffle(shuffled, new java.util.Random(42));
        Collections.sort(shuffled);
        assertEquals(ordered, shuffled.stream().map(SemVer::toString).toList());
    }

    @Test
    void buildMetadataDoesNotAffectPrecedenceButTravelsThroughTags() {
        SemVer a = SemVer.parse("1.0.0+build.1");
        SemVer b = SemVer.parse("1.0.0+build.2");
        assertTrue(a.samePrecedence(b));
        assertEquals("1.0.0_build.1", a.toTag());
        assertEquals(a, SemVer.fromTag("1.0.0_build.1").orElseThrow());
        assertTrue(SemVer.fromTag("stable").isEmpty());
    }

    @Test
    void invalidVersionsAreRefused() {
        for (String bad : List.of("", "1", "1.0", "01.0.0", "1.0.0-", "1.0.0-01", "1.0.0+", "v1.0.0", "1.0.0 ",
                "1.0.0-alpha..1")) {
            assertFalse(SemVer.isValid(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> SemVer.parse(bad), bad);
        }
    }

    @Test
    void hugeNumbersCompareNumerically() {
        assertTrue(SemVer.parse("1.0.99999999999999999999").compareTo(SemVer.parse("1.0.100000000000000000000")) < 0);
    }

    @Provide
    Arbitrary<SemVer> versions() {
        Arbitrary<Integer> n = Arbitraries.integers().between(0, 30);
        Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.integers().between(0, 20).map(String::valueOf),
                Arbitraries.strings().withChars("abcxyz-").ofMinLength(1).ofMaxLength(4)
                        .filter(s -> !s.chars().allMatch(Character::isDigit)));
        Arbitrary<List<String>> pre = id.list().ofMaxSize(3);
        Arbitrary<List<String>> build = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(3).list().ofMaxSize(2);
        return Combinators.combine(n, n, n, pre, build).as((a, b, c, p, bl) -> SemVer.parse(
                a + "." + b + "." + c + (p.isEmpty() ? "" : "-" + String.join(".", p))
                        + (bl.isEmpty() ? "" : "+" + String.join(".", bl))));
    }

    @Property
    void parseAndPrintRoundTrip(@ForAll("versions") SemVer v) {
        assertEquals(v, SemVer.parse(v.toString()));
        assertEquals(v, SemVer.fromTag(v.toTag()).orElseThrow());
    }

    @Property
    void orderIsAntisymmetricAndTransitive(@ForAll("versions") SemVer a, @ForAll("versions") SemVer b,
            @ForAll("versions") SemVer c) {
        assertEquals(Integer.signum(a.compareTo(b)), -Integer.signum(b.compareTo(a)));
        if (a.compareTo(b) <= 0 && b.compareTo(c) <= 0) {
            assertTrue(a.compareTo(c) <= 0);
        }
    }

    @Property
    void aPrereleaseSortsBeforeItsRelease(@ForAll("versions") SemVer v) {
        SemVer release = new SemVer(v.major(), v.minor(), v.patch(), List.of(), List.of());
        if (v.isPrerelease()) {
            assertTrue(v.compareTo(release) < 0);
        } else {
            assertEquals(0, v.compareTo(release));
        }
    }
}
