package dev.updater.publish;

import dev.updater.delta.PatchCompression;
import java.util.Objects;
import java.util.Optional;

/**
 * Which patches a publish makes: from the {@code fromReleases} newest earlier versions (0 = none), each kept only if
 * its size is at most {@code maxRatio} of the full payload compressed (what a client would otherwise download), its
 * body compressed with {@code compression}, or, when that is empty, as {@link PatchCompression#forTarget} chooses
 * for the target's size.
 */
public record DeltaOptions(int fromReleases, double maxRatio, Optional<PatchCompression> compression) {
    public static final DeltaOptions NONE = new DeltaOptions(0, 0.8);
    public static final DeltaOptions DEFAULT = new DeltaOptions(3, 0.8);

    public DeltaOptions {
        if (fromReleases < 0) throw new IllegalArgumentException("--delta-from cannot be negative");
        if (!(maxRatio > 0 && maxRatio <= 1)) {
            throw new IllegalArgumentException("--delta-max-ratio must be in (0, 1], got " + maxRatio);
        }
        Objects.requireNonNull(compression, "compression");
    }

    /** With the compression chosen per target. */
    public DeltaOptions(int fromReleases, double maxRatio) {
        this(fromReleases, maxRatio, Optional.empty());
    }

    /** The compression of a patch to a target of {@code targetSize} bytes. */
    public PatchCompression compressionFor(long targetSize) {
        return compression.orElseGet(() -> PatchCompression.forTarget(targetSize));
    }
}
