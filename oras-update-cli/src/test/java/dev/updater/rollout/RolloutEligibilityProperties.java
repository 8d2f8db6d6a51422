package dev.updater.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

/** The eligibility hash: uniform, deterministic, monotone in the percentage, and independent across salts. */
class RolloutEligibilityProperties {
    private static final int FLEET = 10_000;
    private static final String SALT = "sha256:" + "ab".repeat(32);

    /** Ids as fleet tools name devices (serial numbers) and as devices create them (random 128-bit). */
    private static List<DeviceId> serialFleet() {
        List<DeviceId> ids = new ArrayList<>();
        for (int i = 0; i < FLEET; i++) ids.add(new DeviceId(String.format(Locale.ROOT, "thermostat-%05d", i)));
        return ids;
    }

    /** 128-bit ids as DeviceId.random() makes them, from a fixed seed so that the figures are reproducible. */
    private static List<DeviceId> randomFleet() {
        java.util.Random random = new java.util.Random(14);
        List<DeviceId> ids = new ArrayList<>();
        for (int i = 0; i < FLEET; i++) {
            byte[] bits = new byte[16];
            random.nextBytes(bits);
            ids.add(new DeviceId(java.util.HexFormat.of().formatHex(bits)));
        }
        return ids;
    }

    private static double share(List<DeviceId> fleet, RolloutPolicy policy) {
        return 100.0 * fleet.stream().filter(id -> RolloutEligibility.admits(policy, id)).count() / fleet.size();
    }

    @Example
    void shareOfTenThousandIdsIsWithinOneAndAHalfPoints() {
        for (List<DeviceId> fleet : List.of(serialFleet(), randomFleet())) {
            for (double percent : new double[] {5, 25, 50}) {
                double share = share(fleet, new RolloutPolicy(percent, SALT, Optional.empty()));
                System.out.printf(Locale.ROOT, "eligibility over %d ids (%s...) at %.0f %%: %.2f %% (deviation %+.2f pp)%n",
                        FLEET, fleet.get(0), percent, share, share - percent);
                assertTrue(Math.abs(share - percent) <= 1.5, () -> percent + " % admitted " + share + " %");
            }
        }
    }

    @Example
    void extremesAdmitNoneOrAll() {
        List<DeviceId> fleet = serialFleet();
        assertEquals(0.0, share(fleet, new RolloutPolicy(0, SALT, Optional.empty())));
        assertEquals(100.0, share(fleet, new RolloutPolicy(100, SALT, Optional.empty())));
    }

    @Property(tries = 2000)
    void raisingThePercentageKeepsEveryEligibleDevice(@ForAll("ids") DeviceId id, @ForAll("salts") String salt,
            @ForAll @DoubleRange(min = 0, max = 100) double low, @ForAll @DoubleRange(min = 0, max = 100) double high) {
        double p1 = Math.min(low, high);
        double p2 = Math.max(low, high);
        if (RolloutEligibility.admits(new RolloutPolicy(p1, salt, Optional.empty()), id)) {
            assertTrue(RolloutEligibility.admits(new RolloutPolicy(p2, salt, Optional.empty()), id));
        }
    }

    @Property(tries = 500)
    void positionIsDeterministicAndInRange(@ForAll("ids") DeviceId id, @ForAll("salts") String salt) {
        double position = RolloutEligibility.position(salt, id);
        assertTrue(position >= 0 && position < 100, () -> "position " + position);
        assertEquals(position, RolloutEligibility.position(salt, new DeviceId(id.value())));
    }

    @Example
    void anotherSaltReshufflesTheCohort() {
        List<DeviceId> fleet = serialFleet();
        BitSet first = cohort(fleet, SALT, 50);
        BitSet second = cohort(fleet, "sha256:" + "cd".repeat(32), 50);
        BitSet both = (BitSet) first.clone();
        both.and(second);
        double overlap = 100.0 * both.cardinality() / FLEET;
        System.out.printf(Locale.ROOT, "two salts at 50 %%: %.2f %% of devices in both cohorts (independent: 25 %%)%n",
                overlap);
        assertFalse(first.equals(second));
        // independent cohorts of 50 % share a quarter of the fleet; the same cohort would share half
        assertTrue(Math.abs(overlap - 25) <= 1.5, () -> "overlap " + overlap + " %");
        // and the salt boundary matters: ("ab", "c") and ("a", "bc") are different inputs
        DeviceId c = new DeviceId("c");
        DeviceId bc = new DeviceId("bc");
        assertFalse(RolloutEligibility.position("ab", c) == RolloutEligibility.position("a", bc));
    }

    private static BitSet cohort(List<DeviceId> fleet, String salt, double percent) {
        BitSet in = new BitSet();
        RolloutPolicy policy = new RolloutPolicy(percent, salt, Optional.empty());
        for (int i = 0; i < fleet.size(); i++) if (RolloutEligibility.admits(policy, fleet.get(i))) in.set(i);
        return in;
    }

    @Provide
    Arbitrary<DeviceId> ids() {
        return Arbitraries.strings().withChars("abcdef0123456789-:.").ofMinLength(0).ofMaxLength(40)
                .map(s -> new DeviceId("d" + s));
    }

    @Provide
    Arbitrary<String> salts() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(80);
    }

    @Example
    void policyJsonRoundTripsAndRefusesWhatIsNotAPolicy() {
        RolloutPolicy p = new RolloutPolicy(12.5, SALT, Optional.of(java.time.Instant.parse("2026-12-04T02:00:00Z")));
        assertEquals(p, RolloutPolicy.fromJson(p.toJson(), "p"));
        assertEquals(1250, p.basisPoints());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new RolloutPolicy(12.345, SALT, Optional.empty()));
        for (String bad : new String[] {"{\"basisPoints\": 10001, \"salt\": \"s\"}",
            "{\"basisPoints\": \"5\", \"salt\": \"s\"}", "{\"basisPoints\": 5.5, \"salt\": \"s\"}",
            "{\"basisPoints\": -1, \"salt\": \"s\"}", "{\"basisPoints\": 5}",
            "{\"basisPoints\": 5, \"salt\": \"s\", \"extra\": 1}",
            "{\"basisPoints\": 5, \"salt\": \"s\", \"start\": \"tomorrow\"}", "[]"}) {
            org.junit.jupiter.api.Assertions.assertThrows(dev.updater.schema.ManifestFormatException.class,
                    () -> RolloutPolicy.fromJson(dev.updater.schema.Json.parse(bad.getBytes(), "t"), "p"), bad);
        }
    }
}
