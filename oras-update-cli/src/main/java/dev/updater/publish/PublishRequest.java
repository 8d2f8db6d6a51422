package dev.updater.publish;

import dev.updater.rollout.Urgency;
import dev.updater.schema.SemVer;
import dev.updater.schema.UpdateManifest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything {@code update push} needs to publish one release; {@code urgency} is recorded in the release manifest
 * (critical releases ignore devices' update windows).
 */
public record PublishRequest(String product, SemVer version, Map<String, Path> targets, List<String> channels,
        Instant created, Optional<String> source, Optional<String> revision, DeltaOptions delta, long chunkSize,
        Urgency urgency) {

    public PublishRequest(String product, SemVer version, Map<String, Path> targets, List<String> channels,
            Instant created, Optional<String> source, Optional<String> revision, DeltaOptions delta, long chunkSize) {
        this(product, version, targets, channels, created, source, revision, delta, chunkSize, Urgency.NORMAL);
    }

    public PublishRequest {
        if (!UpdateManifest.isValidProduct(product)) {
            throw new IllegalArgumentException("invalid product name: " + product);
        }
        if (targets.isEmpty()) throw new IllegalArgumentException("at least one --target ID=FILE is required");
        targets = Map.copyOf(new TreeMap<>(targets));
        channels = List.copyOf(channels);
        source = source == null ? Optional.empty() : source;
        revision = revision == null ? Optional.empty() : revision;
        delta = delta == null ? DeltaOptions.NONE : delta;
        if (chunkSize < 0) throw new IllegalArgumentException("chunk size cannot be negative");
        if (urgency == null) throw new IllegalArgumentException("an urgency is required");
    }
}
