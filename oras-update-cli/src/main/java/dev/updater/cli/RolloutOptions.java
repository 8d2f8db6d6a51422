package dev.updater.cli;

import dev.updater.rollout.RolloutRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The rollout a release engineer asks for: {@code --percent}, {@code --salt}, {@code --start}. */
public final class RolloutOptions {
    @Option(names = "--percent", paramLabel = "P",
            description = "Share of devices that may install the channel's release, 0 to 100 (0 halts: devices not "
                    + "yet on it stay where they are; raising it never drops a device that was in).")
    Double percent;

    @Option(names = "--salt", paramLabel = "S",
            description = "Which cohort is sampled (default: the release digest, so each release samples a fresh "
                    + "one); reuse a salt to roll the next release out to the same devices first.")
    String salt;

    @Option(names = "--start", paramLabel = "TIME",
            description = "No device installs before this instant (ISO-8601, e.g. 2026-12-04T02:00:00Z).")
    String start;

    boolean present() {
        return percent != null;
    }

    RolloutRequest request() {
        if (percent == null) throw new UsageException("--percent P is required (0 to 100)");
        Optional<Instant> from;
        try {
            from = Optional.ofNullable(start).map(Instant::parse);
        } catch (DateTimeParseException e) {
            throw new UsageException("--start expects an ISO-8601 instant such as 2026-12-04T02:00:00Z; got: "
                    + start);
        }
        try {
            return new RolloutRequest(percent, Optional.ofNullable(salt), from);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--percent/--salt: " + e.getMessage());
        }
    }

    /** The rollout a push or promote starts its channels at, if --percent was given (then a channel is needed). */
    Optional<RolloutRequest> staged(java.util.List<String> channels) {
        refuseOrphans();
        if (!present()) return Optional.empty();
        if (channels.isEmpty()) throw new UsageException("--percent rolls out a channel: give --channel too");
        return Optional.of(request());
    }

    /** Refuses --salt and --start without --percent: they would be ignored. */
    void refuseOrphans() {
        if (percent == null && (salt != null || start != null)) {
            throw new UsageException("--salt and --start shape a rollout: give --percent too");
        }
    }
}
