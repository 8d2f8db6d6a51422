package dev.updater.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.pull.UpdateDecision.Status;
import dev.updater.rollout.ChannelPolicy;
import dev.updater.rollout.DeviceId;
import dev.updater.rollout.RolloutEligibility;
import dev.updater.rollout.RolloutPolicy;
import dev.updater.rollout.UpdateWindow;
import dev.updater.rollout.Urgency;
import dev.updater.schema.Digest;
import dev.updater.schema.SemVer;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rollout stage alone: same inputs, same answer; injected clocks for windows, midnight and DST. */
class UpdateDecisionTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final DeviceId DEVICE = new DeviceId("thermostat-00042");
    private static final Digest RELEASE = Digest.of(new byte[] {1});

    private static Candidate candidate(Urgency urgency, ChannelPolicy policy) {
        return new Candidate(SemVer.parse("2.0.0"), RELEASE, "t", Digest.of(new byte[] {2}), urgency, policy);
    }

    private static DeviceContext device(String localTime, List<String> windows) {
        return device(LocalDateTime.parse(localTime), windows, Optional.empty());
    }

    private static DeviceContext device(LocalDateTime local, List<String> windows, Optional<String> current) {
        Clock clock = Clock.fixed(local.atZone(BERLIN).toInstant(), BERLIN);
        return new DeviceContext(DEVICE, windows.stream().map(UpdateWindow::parse).toList(), clock,
                current.map(SemVer::parse), false);
    }

    private static Status status(Candidate c, DeviceContext d) {
        return UpdateDecision.decide(c, d).status();
    }

    @Test
    void windowAcrossMidnight() {
        Candidate normal = candidate(Urgency.NORMAL, ChannelPolicy.NONE);
        List<String> night = List.of("22:30-02:00");
        assertEquals(Status.DEFERRED, status(normal, device("2026-06-01T22:29:59", night)));
        assertEquals(Status.AVAILABLE, status(normal, device("2026-06-01T22:30:00", night)));
        assertEquals(Status.AVAILABLE, status(normal, device("2026-06-01T23:59:59", night)));
        assertEquals(Status.AVAILABLE, status(normal, device("2026-06-02T00:00:00", night)));
        assertEquals(Status.AVAILABLE, status(normal, device("2026-06-02T01:59:59", night)));
        assertEquals(Status.DEFERRED, status(normal, device("2026-06-02T02:00:00", night)));
        assertEquals(Status.DEFERRED, status(normal, device("2026-06-02T12:00:00", night)));
        UpdateDecision d = UpdateDecision.decide(normal, device("2026-06-02T12:00:00", night));
        assertTrue(d.reason().contains("outside the update window 22:30-02:00 (local time 12:00)"), d::reason);
    }

    @Test
    void severalWindows() {
        Candidate normal = candidate(Urgency.NORMAL, ChannelPolicy.NONE);
        List<String> two = List.of("02:00-04:00", "13:00-13:30");
        assertEquals(Status.AVAILABLE, status(normal, device("2026-06-01T03:00:00", two)));
        assertEquals(Status.AVAILABLE, status(normal, device("2026-06-01T13:10:00", two)));
        assertEquals(Status.DEFERRED, status(normal, device("2026-06-01T12:59:00", two)));
        assertEquals(Status.AVAILABLE, status(normal, device("2026-06-01T12:59:00", List.of())));
    }

    @Test
    void windowsFollowLocalTimeAcrossDaylightSavingChanges() {
        Candidate normal = candidate(Urgency.NORMAL, ChannelPolicy.NONE);
        List<String> window = List.of("01:00-03:30");
        // 2026-03-29 in Berlin: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that night
        Instant beforeJump = Instant.parse("2026-03-29T00:59:00Z"); // 01:59 CET
        Instant afterJump = Instant.parse("2026-03-29T01:00:00Z"); // 03:00 CEST
        Instant windowEnd = Instant.parse("2026-03-29T01:30:00Z"); // 03:30 CEST
        assertEquals(Status.AVAILABLE, status(normal, at(beforeJump, window)));
        assertEquals(Status.AVAILABLE, status(normal, at(afterJump, window)));
        assertEquals(Status.DEFERRED, status(normal, at(windowEnd, window)));
        // the same instant 01:30 UTC was still inside the window a day earlier in CET (02:30 local)
        assertEquals(Status.AVAILABLE, status(normal, at(Instant.parse("2026-03-28T01:30:00Z"), window)));
        // 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice, both inside
        assertEquals(Status.AVAILABLE, status(normal, at(Instant.parse("2026-10-25T00:30:00Z"), window)));
        assertEquals(Status.AVAILABLE, status(normal, at(Instant.parse("2026-10-25T01:30:00Z"), window)));
        assertEquals(Status.DEFERRED, status(normal, at(Instant.parse("2026-10-25T02:30:00Z"), window)));
    }

    private static DeviceContext at(Instant instant, List<String> windows) {
        return new DeviceContext(DEVICE, windows.stream().map(UpdateWindow::parse).toList(),
                Clock.fixed(instant, BERLIN), Optional.empty(), false);
    }

    @Test
    void criticalReleaseIgnoresWindowsButNotTheRollout() {
        Candidate critical = candidate(Urgency.CRITICAL, ChannelPolicy.NONE);
        UpdateDecision d = UpdateDecision.decide(critical, device("2026-06-01T12:00:00", List.of("02:00-04:00")));
        assertEquals(Status.AVAILABLE, d.status());
        assertTrue(d.reason().contains("critical"), d::reason);
        Candidate halted = candidate(Urgency.CRITICAL, signed(0, Optional.empty()));
        assertEquals(Status.NOT_ELIGIBLE, status(halted, device("2026-06-01T12:00:00", List.of("02:00-04:00"))));
    }

    private static ChannelPolicy signed(double percent, Optional<Instant> start) {
        return new ChannelPolicy.Signed(new RolloutPolicy(percent, RELEASE.toString(), start), "test");
    }

    @Test
    void rolloutDecidesBeforeTheWindow() {
        double position = RolloutEligibility.position(RELEASE.toString(), DEVICE);
        // percentages have two decimals: the next one above the device's position admits it, the one at or below not
        Candidate in = candidate(Urgency.NORMAL, signed((Math.floor(position * 100) + 1) / 100, Optional.empty()));
        Candidate out = candidate(Urgency.NORMAL, signed(Math.floor(position * 100) / 100, Optional.empty()));
        assertEquals(Status.AVAILABLE, status(in, device("2026-06-01T03:00:00", List.of("02:00-04:00"))));
        assertEquals(Status.DEFERRED, status(in, device("2026-06-01T12:00:00", List.of("02:00-04:00"))));
        assertEquals(Status.NOT_ELIGIBLE, status(out, device("2026-06-01T03:00:00", List.of("02:00-04:00"))));
        Candidate later = candidate(Urgency.NORMAL, signed(100, Optional.of(Instant.parse("2026-06-02T00:00:00Z"))));
        UpdateDecision notYet = UpdateDecision.decide(later, device("2026-06-01T03:00:00", List.of()));
        assertEquals(Status.NOT_ELIGIBLE, notYet.status());
        assertTrue(notYet.reason().contains("starts at 2026-06-02T00:00:00Z"), notYet::reason);
        assertEquals(Status.AVAILABLE, status(later, device("2026-06-02T03:00:00", List.of())));
    }

    @Test
    void haltKeepsDevicesWhereTheyAre() {
        Candidate halted = candidate(Urgency.NORMAL, signed(0, Optional.empty()));
        UpdateDecision d = UpdateDecision.decide(halted, device(LocalDateTime.parse("2026-06-01T03:00:00"), List.of(),
                Optional.of("1.0.0")));
        assertEquals(Status.NOT_ELIGIBLE, d.status());
        assertTrue(d.reason().contains("halted"), d::reason);
        assertEquals(Status.UP_TO_DATE, status(halted, device(LocalDateTime.parse("2026-06-01T03:00:00"), List.of(),
                Optional.of("2.0.0"))));
    }

    @Test
    void ignoredPolicyActsAsZeroWithAWarning() {
        Candidate c = candidate(Urgency.CRITICAL, new ChannelPolicy.Ignored("its signatures do not verify"));
        UpdateDecision d = UpdateDecision.decide(c, device("2026-06-01T03:00:00", List.of()));
        assertEquals(Status.NOT_ELIGIBLE, d.status());
        assertTrue(d.warning().orElseThrow().contains("acts as if the rollout were at 0 %"), d::toString);
    }

    @Test
    void upToDateWhateverTheWindow() {
        Candidate c = candidate(Urgency.NORMAL, ChannelPolicy.NONE);
        assertEquals(Status.UP_TO_DATE, status(c, device(LocalDateTime.parse("2026-06-01T12:00:00"),
                List.of("02:00-04:00"), Optional.of("2.0.0"))));
        assertEquals(Status.UP_TO_DATE, status(c, device(LocalDateTime.parse("2026-06-01T12:00:00"),
                List.of("02:00-04:00"), Optional.of("3.0.0"))));
        assertEquals(Status.DEFERRED, status(c, device(LocalDateTime.parse("2026-06-01T12:00:00"),
                List.of("02:00-04:00"), Optional.of("1.9.9"))));
    }

    @Test
    void windowsAreParsedStrictly() {
        for (String bad : new String[] {"2:00-4:00", "02:00-02:00", "24:00-01:00", "02:00", "02:00-04:00x"}) {
            assertThrows(IllegalArgumentException.class, () -> UpdateWindow.parse(bad), bad);
        }
        assertTrue(UpdateWindow.parse("23:00-01:00").crossesMidnight());
    }
}
