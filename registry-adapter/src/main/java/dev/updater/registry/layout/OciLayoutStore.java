package dev.updater.registry.layout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.BlobSource;
import dev.updater.registry.CorruptLayoutException;
import dev.updater.registry.DigestMismatchException;
import dev.updater.registry.NotFoundException;
import dev.updater.registry.RangedStream;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.LocalFileException;
import dev.updater.registry.VerifiedManifest;
import dev.updater.registry.VerifyingInputStream;
import dev.updater.registry.io.Durable;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.UntrustedText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * An OCI image layout directory (image-spec {@code image-layout.md}): {@code oci-layout}, {@code index.json} and
 * {@code blobs/sha256/<hex>}. Tags are index entries annotated with {@code org.opencontainers.image.ref.name}, which
 * is what skopeo's and ORAS's {@code oci:} transports read. The embedded default store: no server needed.
 *
 * <p>We write the layout ourselves instead of through ORAS's {@code OCILayout}: its manifest push rewrites manifests
 * (adds layers and annotations), and the release digest must be the digest of the exact bytes we built.
 */
public final class OciLayoutStore implements ReleaseStore {
    static final String REF_NAME = LayoutIndex.REF_NAME;
    /** As for a registry: far above any release or signature manifest. */
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    /** About 60,000 tags; index.json is read whole on every lookup. */
    private static final int MAX_INDEX_BYTES = 16 * 1024 * 1024;
    /** {"imageLayoutVersion":"1.0.0"} and room for growth. */
    private static final int MAX_OCI_LAYOUT_BYTES = 4 * 1024;
    private final Path root;

    private OciLayoutStore(Path root) {
        this.root = root;
    }

    /** Opens a layout; {@code create} makes the directory and its {@code oci-layout} file when missing. */
    public static OciLayoutStore open(Path root, boolean create) {
        Path marker = root.resolve("oci-layout");
        try {
            if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
                if (!create) {
                    throw new NotFoundException("no OCI layout at " + root + " (no oci-layout file); push a release "
                            + "there first, or check the path");
                }
                Files.createDirectories(root.resolve("blobs/sha256"));
                if (!Files.exists(root.resolve("index.json"), LinkOption.NOFOLLOW_LINKS)) {
                    Durable.write(root.resolve("index.json"), LayoutIndex.empty().toBytes());
                }
                Durable.write(marker, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.US_ASCII));
            }
            checkLayoutMarker(LayoutFiles.readSmall(marker, MAX_OCI_LAYOUT_BYTES, "oci:" + root), "oci:" + root);
            return new OciLayoutStore(root);
        } catch (IOException e) {
            throw new LocalFileException("cannot " + (create ? "create" : "open") + " the OCI layout at " + root, e);
        }
    }

    /** The oci-layout file is a JSON object with a string {@code imageLayoutVersion} (image-spec). */
    private static void checkLayoutMarker(byte[] bytes, String layout) {
        try {
            JsonNode marker = Json.parse(bytes, "oci-layout");
            if (!marker.path("imageLayoutVersion").isTextual()) {
                throw new CorruptLayoutException(layout, "oci-layout has no imageLayoutVersion string");
            }
        } catch (ManifestFormatException e) {
            throw new CorruptLayoutException(layout, e.getMessage());
        }
    }

    @Override
    public String describe() {
        return "oci:" + root;
    }

    public Path root() {
        return root;
    }

    private Path blobPath(Digest digest) {
        return root.resolve("blobs/sha256").resolve(digest.hex());
    }

    @Override
    public OciDescriptor resolve(String tagOrDigest) {
        return fetchManifest(tagOrDigest).descriptor();
    }

    @Override
    public VerifiedManifest fetchManifest(String tagOrDigest) {
        OciDescriptor entry = findEntry(tagOrDigest).orElseThrow(() -> new NotFoundException(
                "no manifest " + UntrustedText.quote(tagOrDigest) + " in " + describe() + notFoundHint()));
        if (entry.size() > MAX_MANIFEST_BYTES) {
            throw new DigestMismatchException("manifest " + entry.digest() + " (declared over 4 MiB)",
                    entry.digest(), entry.size() + " bytes");
        }
        byte[] bytes = readVerified(entry, "manifest " + UntrustedText.escape(tagOrDigest));
        return new VerifiedManifest(entry.digest(), entry.mediaType(), bytes);
    }

    private String notFoundHint() {
        List<String> tags = listTags();
        return tags.isEmpty() ? " (the layout has no tags)"
                : " (tags: " + String.join(", ", tags.stream().map(UntrustedText::escape).toList()) + ")";
    }

    private byte[] readVerified(OciDescriptor d, String what) {
        try (InputStream in = openBlob(d)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new LocalFileException("cannot read " + what + " from " + describe(), e);
        }
    }

    private Optional<OciDescriptor> findEntry(String tagOrDigest) {
        Optional<OciDescriptor> found = readIndex().find(tagOrDigest, describe());
        if (found.isPresent() || !Digest.isValid(tagOrDigest)) {
            return found;
        }
        // Untagged manifests (e.g. pushed by digest and later untagged) are still addressable by digest.
        Digest digest = Digest.parse(tagOrDigest);
        try {
            long size = LayoutFiles.blobAttributes(blobPath(digest), "blob " + digest, describe()).size();
            return Optional.of(new OciDescriptor(MediaTypes.OCI_MANIFEST, digest, size));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LocalFileException("cannot read blob " + digest + " of " + describe(), e);
        }
    }

    private LayoutIndex readIndex() {
        try {
            return LayoutIndex.parse(LayoutFiles.readSmall(root.resolve("index.json"), MAX_INDEX_BYTES, describe()),
                    describe());
        } catch (NoSuchFileException e) {
            throw new NotFoundException("no index.json in " + describe() + ": not an OCI layout");
        } catch (IOException e) {
            throw new LocalFileException("cannot read index.json of " + describe(), e);
        }
    }

    /** Entries of index.json that were skipped as damaged, and tags given to two manifests; see {@link #listTags}. */
    @Override
    public List<String> damagedEntries() {
        return readIndex().problems();
    }

    @Override
    public InputStream openBlob(OciDescriptor blob) {
        InputStream in = openChecked(blob);
        return new VerifyingInputStream(in, blob.digest(), blob.size(), "blob " + blob.digest() + " in " + describe());
    }

    @Override
    public RangedStream openBlobFrom(OciDescriptor blob, long offset) {
        InputStream in = openChecked(blob);
        try {
            in.skipNBytes(offset);
            return new RangedStream(in, offset);
        } catch (IOException e) {
            closeQuietly(in);
            throw new LocalFileException("cannot read blob " + blob.digest() + " in " + describe(), e);
        }
    }

    /**
     * Opens a blob file after checking what it is: a regular file (never a link, FIFO or device, which are not
     * opened at all) of exactly the size its descriptor says. Unlike a network, a file does not get longer by
     * retrying, so a short or long blob is a verification failure at once.
     */
    private InputStream openChecked(OciDescriptor blob) {
        Path file = blobPath(blob.digest());
        try {
            long size = LayoutFiles.blobAttributes(file, "blob " + blob.digest(), describe()).size();
            if (size != blob.size()) {
                throw new CorruptLayoutException(describe(), "blob " + blob.digest() + " is " + size
                        + " bytes, its descriptor says " + blob.size());
            }
            return LayoutFiles.openBlob(file);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + blob.digest() + " is missing from " + describe());
        } catch (IOException e) {
            throw new LocalFileException("cannot open blob " + blob.digest() + " in " + describe(), e);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was read from it
        }
    }

    @Override
    public boolean hasBlob(Digest digest) {
        return Files.isRegularFile(blobPath(digest), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void pushBlob(OciDescriptor blob, BlobSource source) {
        if (hasBlob(blob.digest()) && sizeOf(blob.digest()) == blob.size()) {
            return; // a blob of the wrong size (truncated, appended to) is written again
        }
        Path target = blobPath(blob.digest());
        try {
            Durable.write(target, out -> {
                MessageDigest sha = Digest.newMessageDigest();
                long size = 0;
                try (InputStream in = source.open()) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        sha.update(buf, 0, n);
                        out.write(buf, 0, n);
                        size += n;
                    }
                }
                Digest actual = Digest.fromBytes(sha.digest());
                if (!actual.equals(blob.digest()) || size != blob.size()) {
                    throw new DigestMismatchException("upload source for blob " + blob.digest(), blob.digest(),
                            actual + " (" + size + " bytes)");
                }
            });
        } catch (IOException e) {
            throw new LocalFileException("cannot read the upload source of blob " + blob.digest() + " for "
                    + describe(), e);
        }
    }

    private long sizeOf(Digest digest) {
        try {
            return Files.size(blobPath(digest));
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public Digest pushManifest(byte[] bytes, String mediaType, String tagOrDigest) {
        Digest digest = Digest.of(bytes);
        if (Digest.isValid(tagOrDigest) && !Digest.parse(tagOrDigest).equals(digest)) {
            throw new DigestMismatchException("manifest pushed by digest", Digest.parse(tagOrDigest),
                    digest.toString());
        }
        pushBlob(new OciDescriptor(mediaType, digest, bytes.length), BlobSource.of(bytes));
        String artifactType = artifactTypeOf(bytes);
        boolean byDigest = Digest.isValid(tagOrDigest);
        OciDescriptor entry = new OciDescriptor(mediaType, digest, bytes.length,
                byDigest ? java.util.Map.of() : java.util.Map.of(REF_NAME, tagOrDigest),
                Optional.ofNullable(artifactType));
        // The tag moves: every entry holding it goes, damaged ones too. By digest, an untagged entry is replaced.
        updateIndex(index -> index.edit(e -> byDigest
                ? e.tag().isEmpty() && e.digest().map(digest::equals).orElse(false)
                : e.tag().map(tagOrDigest::equals).orElse(false), Optional.of(entry)));
        return digest;
    }

    private static String artifactTypeOf(byte[] manifest) {
        try {
            JsonNode n = Json.parse(manifest, "manifest");
            return n.hasNonNull("artifactType") ? n.get("artifactType").asText() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Tags that resolve to a manifest; the tags of damaged entries are left out (see {@link #damagedEntries}). */
    @Override
    public List<String> listTags() {
        return readIndex().usableTags();
    }

    @Override
    public void deleteManifest(Digest digest) {
        updateIndex(index -> index.edit(e -> e.isUsable() && e.digest().map(digest::equals).orElse(false),
                Optional.empty()));
    }

    private interface IndexEdit {
        LayoutIndex apply(LayoutIndex index);
    }

    /** Read-modify-write of index.json under an exclusive file lock, so two publishers cannot lose a tag. */
    private void updateIndex(IndexEdit edit) {
        try (FileChannel lockChannel = FileChannel.open(root.resolve(".index.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock ignored = lockChannel.lock()) {
            Durable.write(root.resolve("index.json"), edit.apply(readIndex()).toBytes());
        } catch (IOException e) {
            throw new LocalFileException("cannot update index.json of " + describe(), e);
        }
    }

    @Override
    public void close() {
        // nothing held open between calls
    }
}
