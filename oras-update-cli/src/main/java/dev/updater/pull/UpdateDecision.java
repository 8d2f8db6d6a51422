package dev.updater.pull;

import dev.updater.rollout.ChannelPolicy;
import dev.updater.rollout.RolloutEligibility;
import dev.updater.rollout.RolloutPolicy;
import dev.updater.rollout.UpdateWindow;
import dev.updater.rollout.Urgency;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The rollout stage of a device pull, pure like {@link FetchPlan}: given the verified candidate (release, urgency,
 * the channel's signed policy) and the device (id, windows, clock, current version), whether it is up to date,
 * should install now, waits for its window, or is not (yet) in the rollout. The same inputs always give the same
 * answer; nothing here reads the network or the disk.
 */
public record UpdateDecision(Status status, Candidate candidate, String reason, Optional<String> warning) {
    /** The outcome of a check, as {@code update check --json} names it. */
    public enum Status {
        UP_TO_DATE, AVAILABLE, DEFERRED, NOT_ELIGIBLE;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public UpdateDecision {
        if (status == null || candidate == null || reason == null || warning == null) {
            throw new IllegalArgumentException("every part of a decision is required");
        }
    }

    public boolean installNow() {
        return status == Status.AVAILABLE;
    }

    public static UpdateDecision decide(VerifiedRelease release, String target, ChannelPolicy policy,
            DeviceContext device) {
        return decide(Candidate.of(release, target, policy), device);
    }

    public static UpdateDecision decide(Candidate candidate, DeviceContext device) {
        Optional<String> warning = candidate.policy() instanceof ChannelPolicy.Ignored ignored
                ? Optional.of("the rollout policy of " + candidate.version() + " is ignored (" + ignored.why()
                        + "); this device acts as if the rollout were at 0 %")
                : Optional.empty();
        if (device.current().isPresent()) {
            int order = device.current().get().compareTo(candidate.version());
            if (order == 0) {
                return new UpdateDecision(Status.UP_TO_DATE, candidate, "version " + candidate.version()
                        + " is installed", warning);
            }
            if (order > 0 && !device.allowDowngrade()) {
                return new UpdateDecision(Status.UP_TO_DATE, candidate, "the installed version "
                        + device.current().get() + " is newer than " + candidate.version(), warning);
            }
        }
        Instant now = device.clock().instant();
        Optional<String> excluded = excludedBecause(candidate.policy(), device, now);
        if (excluded.isPresent()) {
            return new UpdateDecision(Status.NOT_ELIGIBLE, candidate, excluded.get(), warning);
        }
        String admitted = admittedBecause(candidate.policy());
        if (candidate.urgency() == Urgency.CRITICAL) {
            return new UpdateDecision(Status.AVAILABLE, candidate, admitted + "; critical release: installed at "
                    + "once, whatever the update windows", warning);
        }
        if (device.windows().isEmpty()) {
            return new UpdateDecision(Status.AVAILABLE, candidate, admitted, warning);
        }
        LocalTime local = ZonedDateTime.ofInstant(now, device.clock().getZone()).toLocalTime();
        Optional<UpdateWindow> open = device.windows().stream().filter(w -> w.contains(local)).findFirst();
        if (open.isPresent()) {
            return new UpdateDecision(Status.AVAILABLE, candidate, admitted + "; inside the update window "
                    + open.get(), warning);
        }
        return new UpdateDecision(Status.DEFERRED, candidate, admitted + "; outside the update window"
                + (device.windows().size() > 1 ? "s " : " ") + device.windows().stream().map(UpdateWindow::toString)
                        .collect(Collectors.joining(", ")) + " (local time " + local.withNano(0) + ")", warning);
    }

    private static Optional<String> excludedBecause(ChannelPolicy policy, DeviceContext device, Instant now) {
        if (policy instanceof ChannelPolicy.Ignored) {
            return Optional.of("the rollout policy is not signed as required, so no device installs");
        }
        if (!(policy instanceof ChannelPolicy.Signed signed)) return Optional.empty();
        RolloutPolicy p = signed.policy();
        if (p.halted()) return Optional.of("the rollout is halted (0 %)");
        if (p.start().isPresent() && now.isBefore(p.start().get())) {
            return Optional.of("the rollout starts at " + p.start().get());
        }
        if (!RolloutEligibility.admits(p, device.device(), now)) {
            return Optional.of(String.format(Locale.ROOT, "the rollout is at %s and this device is not in it "
                    + "(position %.3f)", p, RolloutEligibility.position(p.salt(), device.device())));
        }
        return Optional.empty();
    }

    private static String admittedBecause(ChannelPolicy policy) {
        if (policy instanceof ChannelPolicy.Signed signed) {
            return "in the rollout at " + signed.policy() + " (" + signed.signedBy() + ")";
        }
        return "no rollout policy: every device";
    }
}
