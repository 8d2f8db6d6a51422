package dev.updater.schema.tuf;

/**
 * Upper bounds against endless data and endless walks; defaults are the reference implementation's. Lengths listed
 * in trusted metadata (timestamp's snapshot length, snapshot's targets lengths) tighten these further.
 */
public record MetadataLimits(long rootMaxBytes, long timestampMaxBytes, long snapshotMaxBytes, long targetsMaxBytes,
                             int maxRootRotations, int maxDelegations) {
    public static final MetadataLimits DEFAULTS = new MetadataLimits(512_000, 16_384, 2_000_000, 5_000_000, 256, 32);

    public MetadataLimits {
        if (rootMaxBytes < 1 || timestampMaxBytes < 1 || snapshotMaxBytes < 1 || targetsMaxBytes < 1
                || maxRootRotations < 1 || maxDelegations < 1) {
            throw new IllegalArgumentException("metadata limits must be positive");
        }
    }

    public long maxBytes(String roleName) {
        return switch (roleName) {
            case Root.TYPE -> rootMaxBytes;
            case Timestamp.TYPE -> timestampMaxBytes;
            case SnapshotMetadata.TYPE -> snapshotMaxBytes;
            default -> targetsMaxBytes;
        };
    }
}
