package dev.updater.release;

import dev.updater.schema.Digest;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.TargetPayload;
import dev.updater.schema.UpdateManifest;

/** A release read from a store and checked: its manifest digest, the OCI manifest and the update manifest. */
public record Release(Digest digest, long manifestSize, ImageManifest manifest, UpdateManifest update) {

    public Release {
        if (digest == null || manifest == null || update == null) {
            throw new IllegalArgumentException("digest, manifest and update manifest are required");
        }
    }

    /** The target's payload, or {@link UnknownTargetException} naming the ones this release has. */
    public TargetPayload target(String id) {
        return update.target(id).orElseThrow(() -> new UnknownTargetException(id, update));
    }
}
