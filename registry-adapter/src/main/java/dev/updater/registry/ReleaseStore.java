package dev.updater.registry;

import dev.updater.schema.Digest;
import dev.updater.schema.OciDescriptor;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A place where releases live: one repository of a registry, or an OCI image layout directory. Code above this
 * interface never knows which. Every byte handed out has been (or, for streams, is being) checked against its
 * digest by us; implementations never trust the backend to have done it.
 */
public interface ReleaseStore extends AutoCloseable {

    /** Where this store is, for messages: {@code 127.0.0.1:5000/acme/app} or {@code oci:/var/releases}. */
    String describe();

    /** The digest, media type and size of the manifest a tag or digest names; {@link NotFoundException} if none. */
    OciDescriptor resolve(String tagOrDigest);

    /**
     * The digest the store says a tag names, without reading the manifest (a registry's HEAD): for noticing that
     * nothing changed since a verified read, never for trusting anything. Empty when the tag does not exist.
     */
    default Optional<Digest> probe(String tag) {
        try {
            return Optional.of(resolve(tag).digest());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * The exact bytes of a manifest. When asked by digest the bytes are checked against it; when asked by tag the
     * returned digest is the sha256 of the bytes received (never a header's claim).
     */
    VerifiedManifest fetchManifest(String tagOrDigest);

    /**
     * A stream of a blob's bytes, checked while it is read: more bytes than {@code blob.size()} are cut off and
     * refused, and reaching the end with another digest throws {@link DigestMismatchException}. The caller must
     * read to the end (or close early and discard what it read).
     */
    InputStream openBlob(OciDescriptor blob);

    /**
     * The blob's raw bytes from {@code offset} on, for resuming a download; NOT digest-checked (the caller hashes the
     * whole blob itself, see {@code BlobDownloader}). The result says where the stream really starts: a server that
     * ignores Range answers with the whole blob, and then {@link RangedStream#start()} is 0.
     */
    RangedStream openBlobFrom(OciDescriptor blob, long offset);

    /**
     * Like {@link #openBlobFrom}, for a download that must survive a bad link: the store's transport owns every
     * retry of the transfer. A registry resumes a broken, stalled or crawling body itself with Range, within one
     * retry budget for the whole transfer, and throws {@link TransferAbandonedException} from a read once that is
     * spent; the stream the caller sees stays contiguous (bytes sent again by a server that ignores Range are
     * dropped). A store without a network (a layout) only watches the stream.
     */
    default RangedStream transferBlobFrom(OciDescriptor blob, long offset, TransferGuard guard) {
        RangedStream raw = openBlobFrom(blob, offset);
        return new RangedStream(guard.watch(raw.in()), raw.start());
    }

    boolean hasBlob(Digest digest);

    /** Uploads a blob unless the store has it already; the source is hashed while it is sent and must match. */
    void pushBlob(OciDescriptor blob, BlobSource source);

    /** Stores manifest bytes under a tag or under their digest; returns the digest of the bytes. */
    Digest pushManifest(byte[] bytes, String mediaType, String tagOrDigest);

    /** All tags of the repository (or layout), in the order the backend returns them. */
    List<String> listTags();

    /**
     * Why some of the store's own index was skipped: for an OCI layout, the entries of {@code index.json} that are
     * not valid descriptors (their tags are not in {@link #listTags}, and fetching them fails verification). One
     * line each, for a warning; a registry keeps no such index, so it has none.
     */
    default List<String> damagedEntries() {
        return List.of();
    }

    /** Removes a manifest by digest (every tag on it goes with it). For maintenance and tests. */
    void deleteManifest(Digest digest);

    @Override
    void close();
}
