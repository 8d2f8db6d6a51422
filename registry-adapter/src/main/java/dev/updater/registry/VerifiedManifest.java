package dev.updater.registry;

import dev.updater.schema.Digest;
import dev.updater.schema.OciDescriptor;

/** Manifest bytes whose digest we computed ourselves. */
public record VerifiedManifest(Digest digest, String mediaType, byte[] bytes) {
    public VerifiedManifest {
        if (digest == null || mediaType == null || bytes == null) {
            throw new IllegalArgumentException("digest, media type and bytes are required");
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public OciDescriptor descriptor() {
        return new OciDescriptor(mediaType, digest, bytes.length);
    }
}
