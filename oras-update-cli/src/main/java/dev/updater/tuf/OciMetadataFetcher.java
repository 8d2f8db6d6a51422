package dev.updater.tuf;

import dev.updater.registry.NotFoundException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.VerifiedManifest;
import dev.updater.schema.Digest;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.tuf.MetadataTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads TUF metadata from the release repository itself ({@link OciMetadataLayout}): the tag of the file, its small
 * manifest, then its single layer, refused before download when the manifest announces more than the limit, and
 * checked against the layer digest while read. Target files are release manifests, found by their sha256.
 */
public final class OciMetadataFetcher implements MetadataFetcher {
    private final ReleaseStore store;

    public OciMetadataFetcher(ReleaseStore store) {
        this.store = store;
    }

    @Override
    public byte[] fetchMetadata(String roleName, OptionalLong version, long maxLength) {
        String tag = OciMetadataLayout.tagFor(roleName, version);
        String what = (version.isPresent() ? version.getAsLong() + "." : "") + roleName + ".json (tag " + tag + ")";
        VerifiedManifest manifest;
        try {
            manifest = store.fetchManifest(tag);
        } catch (NotFoundException e) {
            throw new MetadataNotFoundException(what, store.describe());
        }
        OciDescriptor layer = OciMetadataLayout.metadataLayerOf(tag, manifest.bytes());
        if (layer.size() > maxLength) {
            throw new MetadataTooLargeException(what + " in " + store.describe(), maxLength);
        }
        try (InputStream in = store.openBlob(layer)) {
            // openBlob cuts at the descriptor's size and checks the digest at the end
            return in.readAllBytes();
        } catch (IOException e) {
            throw new TufFetchException("cannot read " + what + " from " + store.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The target files of a release repository are release manifests: under consistent snapshots the hash prefix is
     * their sha256, so they are fetched by digest (and checked against it by the store).
     */
    @Override
    public InputStream openTarget(String targetPath, Optional<String> hashPrefix) {
        if (hashPrefix.isEmpty() || !Digest.isValid(Digest.ALGORITHM + ":" + hashPrefix.get())) {
            throw new MetadataNotFoundException("target '" + targetPath + "' (only release manifests, by sha256)",
                    store.describe());
        }
        try {
            return new ByteArrayInputStream(store.fetchManifest(Digest.ALGORITHM + ":" + hashPrefix.get()).bytes());
        } catch (NotFoundException e) {
            throw new MetadataNotFoundException("target '" + targetPath + "'", store.describe());
        }
    }
}
