package dev.updater.publish;

import dev.updater.schema.Digest;
import dev.updater.schema.UpdateManifest;
import java.util.List;

/**
 * What a publish did: the release digest, the tags now pointing at it, and the upload counts: blobs sent, blobs
 * mounted from another repository (no bytes sent), blobs the repository had, and the bytes actually sent.
 */
public record PublishResult(Digest digest, UpdateManifest update, List<String> tags, boolean alreadyPublished,
        int blobsUploaded, int blobsMounted, int blobsSkipped, long bytesUploaded, List<PatchReport> patches) {
    public PublishResult {
        tags = List.copyOf(tags);
        patches = List.copyOf(patches);
    }
}
