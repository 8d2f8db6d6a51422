package dev.updater.registry.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.BlobSource;
import dev.updater.registry.DigestMismatchException;
import dev.updater.registry.NotFoundException;
import dev.updater.registry.RangedStream;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreIoException;
import dev.updater.registry.VerifiedManifest;
import dev.updater.registry.VerifyingInputStream;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
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
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private final Path root;

    private OciLayoutStore(Path root) {
        this.root = root;
    }

    /** Opens a layout; {@code create} makes the directory and its {@code oci-layout} file when missing. */
    public static OciLayoutStore open(Path root, boolean create) {
        try {
            if (!Files.isRegularFile(root.resolve("oci-layout"))) {
                if (!create) {
                    throw new NotFoundException("no OCI layout at " + root + " (no oci-layout file); push a release "
                            + "there first, or check the path");
                }
                Files.createDirectories(root.resolve("blobs/sha256"));
                writeAtomically(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
                ObjectNode index = Json.object();
                index.put("schemaVersion", 2);
                index.put("mediaType", MediaTypes.OCI_INDEX);
                index.putArray("manifests");
                writeAtomically(root.resolve("index.json"), Json.write(index));
            }
            return new OciLayoutStore(root);
        } catch (IOException e) {
            throw new StoreIoException("cannot create the OCI layout at " + root, e);
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
                "no manifest '" + tagOrDigest + "' in " + describe() + notFoundHint(tagOrDigest)));
        if (entry.size() > MAX_MANIFEST_BYTES) {
            throw new DigestMismatchException("manifest " + entry.digest() + " (declared over 4 MiB)",
                    entry.digest(), entry.size() + " bytes");
        }
        byte[] bytes = readVerified(entry, "manifest " + tagOrDigest);
        return new VerifiedManifest(entry.digest(), entry.mediaType(), bytes);
    }

    private String notFoundHint(String tagOrDigest) {
        List<String> tags = listTags();
        return tags.isEmpty() ? " (the layout has no tags)" : " (tags: " + String.join(", ", tags) + ")";
    }

    private byte[] readVerified(OciDescriptor d, String what) {
        try (InputStream in = openBlob(d)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new StoreIoException("cannot read " + what + " from " + describe(), e);
        }
    }

    private Optional<OciDescriptor> findEntry(String tagOrDigest) {
        boolean byDigest = Digest.isValid(tagOrDigest);
        OciDescriptor found = null;
        for (OciDescriptor d : readIndex()) {
            boolean match = byDigest ? d.digest().toString().equals(tagOrDigest)
                    : d.annotation(REF_NAME).map(tagOrDigest::equals).orElse(false);
            if (match) found = d;
        }
        if (found == null && byDigest && Files.exists(blobPath(Digest.parse(tagOrDigest)))) {
            // Untagged manifests (e.g. pushed by digest and later untagged) are still addressable by digest.
            try {
                long size = Files.size(blobPath(Digest.parse(tagOrDigest)));
                return Optional.of(new OciDescriptor(MediaTypes.OCI_MANIFEST, Digest.parse(tagOrDigest), size));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(found);
    }

    private List<OciDescriptor> readIndex() {
        try {
            byte[] bytes = Files.readAllBytes(root.resolve("index.json"));
            JsonReader r = JsonReader.root(Json.parse(bytes, "index.json of " + describe()));
            List<OciDescriptor> out = new ArrayList<>();
            if (r.has("manifests")) {
                for (JsonReader m : r.objectList("manifests")) {
                    out.add(new OciDescriptor(m.string("mediaType"), m.digest("digest"), m.nonNegativeLong("size"),
                            m.stringMap("annotations"), Optional.ofNullable(m.string("artifactType", null))));
                }
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new NotFoundException("no index.json in " + describe() + ": not an OCI layout");
        } catch (IOException e) {
            throw new StoreIoException("cannot read index.json of " + describe(), e);
        }
    }

    @Override
    public InputStream openBlob(OciDescriptor blob) {
        try {
            return new VerifyingInputStream(Files.newInputStream(blobPath(blob.digest())), blob.digest(), blob.size(),
                    "blob " + blob.digest() + " in " + describe());
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + blob.digest() + " is missing from " + describe());
        } catch (IOException e) {
            throw new StoreIoException("cannot open blob " + blob.digest() + " in " + describe(), e);
        }
    }

    @Override
    public RangedStream openBlobFrom(OciDescriptor blob, long offset) {
        try {
            InputStream in = Files.newInputStream(blobPath(blob.digest()));
            in.skipNBytes(offset);
            return new RangedStream(in, offset);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + blob.digest() + " is missing from " + describe());
        } catch (IOException e) {
            throw new StoreIoException("cannot open blob " + blob.digest() + " in " + describe(), e);
        }
    }

    @Override
    public boolean hasBlob(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    @Override
    public void pushBlob(OciDescriptor blob, BlobSource source) {
        if (hasBlob(blob.digest())) {
            return;
        }
        Path target = blobPath(blob.digest());
        Path temp = target.resolveSibling(".tmp-" + blob.digest().hex() + "-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(target.getParent());
            MessageDigest sha = Digest.newMessageDigest();
            long size = 0;
            try (InputStream in = source.open();
                    FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                    size += n;
                }
                ch.force(true);
            }
            Digest actual = Digest.fromBytes(sha.digest());
            if (!actual.equals(blob.digest()) || size != blob.size()) {
                throw new DigestMismatchException("upload source for blob " + blob.digest(), blob.digest(),
                        actual + " (" + size + " bytes)");
            }
            move(temp, target);
        } catch (IOException e) {
            throw new StoreIoException("cannot write blob " + blob.digest() + " to " + describe(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // best effort: a stray temp file is not part of the layout
            }
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
        updateIndex(entries -> {
            boolean byDigest = Digest.isValid(tagOrDigest);
            List<OciDescriptor> kept = new ArrayList<>();
            for (OciDescriptor d : entries) {
                boolean sameTag = !byDigest && d.annotation(REF_NAME).map(tagOrDigest::equals).orElse(false);
                boolean sameUntagged = byDigest && d.digest().equals(digest) && d.annotation(REF_NAME).isEmpty();
                if (!sameTag && !sameUntagged) kept.add(d);
            }
            OciDescriptor entry = new OciDescriptor(mediaType, digest, bytes.length,
                    byDigest ? java.util.Map.of() : java.util.Map.of(REF_NAME, tagOrDigest),
                    Optional.ofNullable(artifactType));
            kept.add(entry);
            return kept;
        });
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

    @Override
    public List<String> listTags() {
        List<String> tags = new ArrayList<>();
        for (OciDescriptor d : readIndex()) {
            d.annotation(REF_NAME).ifPresent(tags::add);
        }
        return tags;
    }

    @Override
    public void deleteManifest(Digest digest) {
        updateIndex(entries -> entries.stream().filter(d -> !d.digest().equals(digest)).toList());
    }

    private interface IndexEdit {
        List<OciDescriptor> apply(List<OciDescriptor> entries);
    }

    /** Read-modify-write of index.json under an exclusive file lock, so two publishers cannot lose a tag. */
    private void updateIndex(IndexEdit edit) {
        try (FileChannel lockChannel = FileChannel.open(root.resolve(".index.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock ignored = lockChannel.lock()) {
            List<OciDescriptor> updated = edit.apply(readIndex());
            ObjectNode index = Json.object();
            index.put("schemaVersion", 2);
            index.put("mediaType", MediaTypes.OCI_INDEX);
            ArrayNode manifests = index.putArray("manifests");
            for (OciDescriptor d : updated) {
                ObjectNode m = manifests.addObject();
                m.put("mediaType", d.mediaType());
                m.put("digest", d.digest().toString());
                m.put("size", d.size());
                d.artifactType().ifPresent(t -> m.put("artifactType", t));
                if (!d.annotations().isEmpty()) {
                    ObjectNode a = m.putObject("annotations");
                    d.annotations().forEach(a::put);
                }
            }
            writeAtomically(root.resolve("index.json"), Json.write(index));
        } catch (IOException e) {
            throw new StoreIoException("cannot update index.json of " + describe(), e);
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        move(temp, target);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void close() {
        // nothing held open between calls
    }
}
