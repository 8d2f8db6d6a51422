package dev.updater.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * How far a channel's release is rolled out: the share of devices ({@code percent}, with at most two decimals; 0
 * halts, 100 is everyone; stored as {@code basisPoints}, hundredths of a percent) whose
 * eligibility hash of ({@code salt}, device id) falls under it, from {@code start} on. The salt defaults to the
 * release digest, so each release samples a fresh cohort. Read from signed data only (a TUF targets entry or a
 * signed policy artifact): a publisher's decision, never the registry's.
 */
public record RolloutPolicy(double percent, String salt, Optional<Instant> start) {
    static final int MAX_SALT = 256;

    public RolloutPolicy {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("a rollout percentage is between 0 and 100, got " + percent);
        }
        if (Math.abs(percent * 100 - Math.rint(percent * 100)) > 1e-6) {
            throw new IllegalArgumentException("a rollout percentage has at most two decimals, got " + percent);
        }
        if (salt == null || salt.isEmpty() || salt.length() > MAX_SALT) {
            throw new IllegalArgumentException("a rollout salt is 1 to " + MAX_SALT + " characters");
        }
        if (start == null) throw new IllegalArgumentException("a start time or none");
    }

    /** Whether the rollout admits no device at all (halted). */
    public boolean halted() {
        return percent == 0;
    }

    /** The percentage in hundredths: TUF's canonical JSON, which signs it, has integers only. */
    public long basisPoints() {
        return Math.round(percent * 100);
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("basisPoints", basisPoints());
        n.put("salt", salt);
        start.ifPresent(s -> n.put("start", s.toString()));
        return n;
    }

    /** Parses a policy from signed (but publisher-written, so still checked) JSON. */
    public static RolloutPolicy fromJson(JsonNode node, String path) {
        if (node == null || !node.isObject()) throw new ManifestFormatException(path, "expected an object");
        JsonReader r = JsonReader.root(node, path).onlyFields(Set.of("basisPoints", "salt", "start"));
        long basisPoints = r.nonNegativeLong("basisPoints");
        Optional<Instant> start;
        try {
            start = r.has("start") ? Optional.of(Instant.parse(r.string("start"))) : Optional.empty();
        } catch (DateTimeParseException e) {
            throw new ManifestFormatException(r.path("start"), "not an ISO-8601 instant");
        }
        try {
            return new RolloutPolicy(basisPoints / 100.0, r.string("salt"), start);
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException(path, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return (percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent)) + " %"
                + start.map(s -> " from " + s).orElse("");
    }
}
