package dev.updater.schema.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** The {@code signed} part of any TUF metadata: the fields every role has, and the JSON it was read from. */
public sealed interface Signed permits Root, Timestamp, SnapshotMetadata, Targets {
    /** The {@code _type}: root, timestamp, snapshot or targets (delegated roles are targets too). */
    String type();

    long version();

    String specVersion();

    Instant expires();

    /** The object as read, unknown fields included: what is canonicalised for signatures. */
    JsonNode json();

    default boolean isExpired(Instant now) {
        return !now.isBefore(expires());
    }
}
