package dev.updater.release;

import dev.updater.registry.ReleaseStore;
import dev.updater.registry.LocalFileException;
import dev.updater.registry.VerifiedManifest;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.TargetPayload;
import dev.updater.schema.UpdateManifest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Reads a release: manifest (hashed by the store), update manifest (config blob, digest-checked, size-limited,
 * strictly parsed), and the consistency between them (every payload is a layer with the same digest and size).
 */
public final class ReleaseReader {
    private ReleaseReader() {}

    public static Release read(ReleaseStore store, String tagOrDigest) {
        VerifiedManifest raw = store.fetchManifest(tagOrDigest);
        return read(store, raw, tagOrDigest);
    }

    public static Release read(ReleaseStore store, VerifiedManifest raw, String name) {
        if (!raw.mediaType().equals(MediaTypes.OCI_MANIFEST)) {
            throw new NotAReleaseException("'" + name + "' in " + store.describe() + " is a " + raw.mediaType()
                    + ", not an update release (an OCI manifest with artifactType " + MediaTypes.UPDATE_MANIFEST + ")");
        }
        ImageManifest manifest;
        try {
            manifest = ImageManifest.parse(raw.bytes());
        } catch (ManifestFormatException e) {
            throw new NotAReleaseException("release manifest " + raw.digest() + " is malformed: " + e.getMessage());
        }
        OciDescriptor config = manifest.config();
        boolean ours = manifest.artifactType().map(MediaTypes.UPDATE_MANIFEST::equals).orElse(false)
                && config.mediaType().equals(MediaTypes.UPDATE_MANIFEST);
        if (!ours) {
            throw new NotAReleaseException("'" + name + "' in " + store.describe() + " is not an update release: "
                    + "artifactType " + manifest.artifactType().orElse("(none)") + ", config " + config.mediaType()
                    + " (expected both " + MediaTypes.UPDATE_MANIFEST + ")");
        }
        if (config.size() > UpdateManifest.MAX_BYTES) {
            throw new ManifestFormatException("$", "update manifest is declared as " + config.size()
                    + " bytes, over the limit of " + UpdateManifest.MAX_BYTES);
        }
        byte[] configBytes;
        try (InputStream in = store.openBlob(config)) {
            configBytes = in.readAllBytes();
        } catch (IOException e) {
            throw new LocalFileException("cannot read the update manifest of " + name, e);
        }
        UpdateManifest update;
        try {
            update = UpdateManifest.parse(configBytes);
        } catch (ManifestFormatException e) {
            // say which document: the field path alone does not tell an update manifest from the OCI manifest
            throw new NotAReleaseException("the update manifest " + config.digest() + " of release " + raw.digest()
                    + " is malformed: " + e.getMessage());
        }
        for (Map.Entry<String, TargetPayload> t : update.sortedTargets().entrySet()) {
            TargetPayload p = t.getValue();
            boolean listed = p.isChunked()
                    ? p.chunks().stream().allMatch(c -> manifest.layers().stream().anyMatch(
                            l -> l.digest().equals(c.digest()) && l.size() == c.size()))
                    : manifest.layers().stream().anyMatch(l -> l.digest().equals(p.digest()) && l.size() == p.size());
            if (!listed) {
                throw new NotAReleaseException("release " + raw.digest() + " is inconsistent: target '" + t.getKey()
                        + "' names payload " + p.digest() + (p.isChunked() ? " whose chunks are" : " which is")
                        + " not a layer of the manifest");
            }
            for (dev.updater.schema.PatchDescriptor patch : p.patches()) {
                boolean patchListed = manifest.layers().stream().anyMatch(l -> l.digest().equals(patch.digest())
                        && l.size() == patch.size());
                if (!patchListed) {
                    throw new NotAReleaseException("release " + raw.digest() + " is inconsistent: the patch of '"
                            + t.getKey() + "' from " + patch.fromVersion() + " is not a layer of the manifest");
                }
            }
        }
        return new Release(raw.digest(), raw.bytes().length, manifest, update);
    }
}
