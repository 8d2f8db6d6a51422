package dev.updater.publish;

import dev.updater.schema.Digest;
import dev.updater.schema.UpdateManifest;
import java.util.List;

/** What a publish did: the release digest, the tags now pointing at it, and the upload counts. */
public record PublishResult(Digest digest, UpdateManifest update, List<String> tags, boolean alreadyPublished,
        int blobsUploaded, int blobsSkipped, long bytesUploaded, List<PatchReport> patches) {
    public PublishResult {
        tags = List.copyOf(tags);
        patches = List.copyOf(patches);
    }
}
