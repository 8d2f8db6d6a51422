package dev.updater.pull;

import dev.updater.registry.BlobSource;
import dev.updater.registry.RangedStream;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.TransferGuard;
import dev.updater.registry.VerifiedManifest;
import dev.updater.schema.Digest;
import dev.updater.schema.OciDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only view of the online store that remembers what the verification stages read through it: every manifest
 * (by the tag or digest asked for, with the digest its bytes hash to) and every small blob, each only after the
 * store verified it. {@link PrefetchedRelease} keeps exactly this, so the install inside the window can run the same
 * stages again without the network. Payload transfers ({@link #transferBlobFrom}) pass through unrecorded: they go to
 * the download area.
 */
final class RecordingStore implements ReleaseStore {
    /** Metadata blobs (update manifests, policy layers, TUF roles, bundles) are far smaller; payloads never pass. */
    private static final long MAX_RECORDED_BLOB = 4L << 20;

    private final ReleaseStore online;
    private final Map<String, Digest> references = new LinkedHashMap<>();
    private final Map<Digest, VerifiedManifest> manifests = new LinkedHashMap<>();
    private final Map<Digest, Blob> blobs = new LinkedHashMap<>();

    record Blob(OciDescriptor descriptor, byte[] bytes) {}

    RecordingStore(ReleaseStore online) {
        this.online = online;
    }

    /** Tag or digest as asked → the digest of the verified manifest it named. */
    Map<String, Digest> references() {
        return Map.copyOf(references);
    }

    Map<Digest, VerifiedManifest> manifests() {
        return Map.copyOf(manifests);
    }

    List<Blob> blobs() {
        return List.copyOf(blobs.values());
    }

    ReleaseStore online() {
        return online;
    }

    @Override
    public String describe() {
        return online.describe();
    }

    @Override
    public OciDescriptor resolve(String tagOrDigest) {
        return online.resolve(tagOrDigest); // a claim only: kept once its manifest is fetched by digest
    }

    @Override
    public java.util.Optional<Digest> probe(String tag) {
        return online.probe(tag);
    }

    @Override
    public VerifiedManifest fetchManifest(String tagOrDigest) {
        VerifiedManifest manifest = online.fetchManifest(tagOrDigest);
        references.put(tagOrDigest, manifest.digest());
        manifests.put(manifest.digest(), manifest);
        return manifest;
    }

    @Override
    public InputStream openBlob(OciDescriptor blob) {
        if (blob.size() > MAX_RECORDED_BLOB) return online.openBlob(blob);
        byte[] bytes;
        try (InputStream in = online.openBlob(blob)) {
            bytes = in.readAllBytes(); // the store's stream checks size and digest as it reaches the end
        } catch (IOException e) {
            return failing(e);
        }
        if (!Digest.of(bytes).equals(blob.digest())) {
            return failing(new IOException("blob " + blob.digest() + " does not hash to its digest"));
        }
        blobs.put(blob.digest(), new Blob(blob, bytes));
        return new ByteArrayInputStream(bytes);
    }

    /** The failure surfaces where the caller expects it: on reading, as with the store's own stream. */
    private static InputStream failing(IOException e) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw e;
            }
        };
    }

    @Override
    public RangedStream openBlobFrom(OciDescriptor blob, long offset) {
        return online.openBlobFrom(blob, offset);
    }

    @Override
    public RangedStream transferBlobFrom(OciDescriptor blob, long offset, TransferGuard guard) {
        return online.transferBlobFrom(blob, offset, guard);
    }

    @Override
    public boolean hasBlob(Digest digest) {
        return online.hasBlob(digest);
    }

    @Override
    public void pushBlob(OciDescriptor blob, BlobSource source) {
        throw new UnsupportedOperationException("a device pull writes nothing to the registry");
    }

    @Override
    public Digest pushManifest(byte[] bytes, String mediaType, String tagOrDigest) {
        throw new UnsupportedOperationException("a device pull writes nothing to the registry");
    }

    @Override
    public List<String> listTags() {
        return online.listTags();
    }

    @Override
    public void deleteManifest(Digest digest) {
        throw new UnsupportedOperationException("a device pull writes nothing to the registry");
    }

    @Override
    public void close() {
        // the online store is the caller's to close
    }
}
