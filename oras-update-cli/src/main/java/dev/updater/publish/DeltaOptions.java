package dev.updater.publish;

/**
 * Which patches a publish makes: from the {@code fromReleases} newest earlier versions (0 = none), each kept only if
 * its size is at most {@code maxRatio} of the full payload compressed (what a client would otherwise download).
 */
public record DeltaOptions(int fromReleases, double maxRatio) {
    public static final DeltaOptions NONE = new DeltaOptions(0, 0.8);
    public static final DeltaOptions DEFAULT = new DeltaOptions(3, 0.8);

    public DeltaOptions {
        if (fromReleases < 0) throw new IllegalArgumentException("--delta-from cannot be negative");
        if (!(maxRatio > 0 && maxRatio <= 1)) {
            throw new IllegalArgumentException("--delta-max-ratio must be in (0, 1], got " + maxRatio);
        }
    }
}
