package dev.updater.pull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.rollout.ChannelPolicy;
import dev.updater.rollout.RolloutPolicy;
import dev.updater.rollout.Urgency;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.SemVer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the last full check of one request verified, kept in the device's state directory ({@code poll/}): the
 * digests the store then claimed for the tags a poll looks at, and the candidate that check verified. Only written
 * after a full check succeeded, so it holds nothing unverified; a damaged file is just a miss.
 */
final class PollCache {
    private final Path dir;

    PollCache(Path stateDir) {
        this.dir = stateDir.resolve("poll");
    }

    /**
     * @param probe the digest the store claimed for the polled tag (the channel or version tag, or
     *     {@code tuf-timestamp}) just before the full check
     * @param policyProbe without TUF: what it claimed for the release's policy artifact tag ("" when absent)
     * @param complete the candidate was verified whole (policy included); when false it is only known to be the
     *     installed release, and may answer nothing but up-to-date
     */
    record Entry(Digest probe, String policyProbe, Candidate candidate, boolean complete) {}

    Optional<Entry> read(String key) {
        Path file = dir.resolve(key + ".json");
        try {
            if (!Files.isRegularFile(file)) return Optional.empty();
            JsonNode n = Json.parse(Files.readAllBytes(file), "poll cache");
            JsonNode c = n.get("candidate");
            return Optional.of(new Entry(Digest.parse(n.get("probe").asText()), n.get("policyProbe").asText(),
                    new Candidate(SemVer.parse(c.get("version").asText()), Digest.parse(c.get("release").asText()),
                            c.get("target").asText(), Digest.parse(c.get("payload").asText()),
                            Urgency.parse(c.get("urgency").asText()).orElseThrow(), policy(c.get("policy"))),
                    n.path("complete").asBoolean(false)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a damaged cache costs one full check, nothing else
        }
    }

    void write(String key, Entry entry) {
        ObjectNode n = Json.object();
        n.put("probe", entry.probe().toString());
        n.put("policyProbe", entry.policyProbe());
        n.put("complete", entry.complete());
        ObjectNode c = n.putObject("candidate");
        Candidate candidate = entry.candidate();
        c.put("version", candidate.version().toString());
        c.put("release", candidate.release().toString());
        c.put("target", candidate.target());
        c.put("payload", candidate.payload().toString());
        c.put("urgency", candidate.urgency().jsonName());
        ObjectNode p = c.putObject("policy");
        if (candidate.policy() instanceof ChannelPolicy.Signed signed) {
            p.put("kind", "signed").put("signedBy", signed.signedBy()).set("rollout", signed.policy().toJson());
        } else if (candidate.policy() instanceof ChannelPolicy.Ignored ignored) {
            p.put("kind", "ignored").put("why", ignored.why());
        } else {
            p.put("kind", "none");
        }
        dev.updater.registry.io.Durable.write(dir.resolve(key + ".json"), Json.write(n));
    }

    private static ChannelPolicy policy(JsonNode p) {
        return switch (p.get("kind").asText()) {
            case "none" -> ChannelPolicy.NONE;
            case "signed" -> new ChannelPolicy.Signed(RolloutPolicy.fromJson(p.get("rollout"), "cached rollout"),
                    p.get("signedBy").asText());
            case "ignored" -> new ChannelPolicy.Ignored(p.get("why").asText());
            default -> throw new IllegalArgumentException("unknown policy kind");
        };
    }

    static String keyOf(String... parts) {
        return Digest.of(String.join("\n", parts).getBytes(StandardCharsets.UTF_8)).hex();
    }
}
