package dev.updater.publish;

import dev.updater.registry.LocalFileException;
import dev.updater.registry.BlobSource;
import dev.updater.registry.NotFoundException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.TransferListener;
import dev.updater.release.Release;
import dev.updater.rollout.Urgency;
import dev.updater.release.ReleaseReader;
import dev.updater.schema.ChunkDescriptor;
import dev.updater.schema.Digest;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.RepositoryTags;
import dev.updater.schema.SemVer;
import dev.updater.schema.TargetPayload;
import dev.updater.schema.UpdateManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Stages a release: payload blobs, patches, the update manifest as config blob, and the release manifest pushed by
 * its digest; no tag moves here ({@link #moveTags} does that, last, once {@link ReleasePublication} has the
 * release's signatures and trust entries in place). Staging the same version with the same payloads again uploads
 * nothing and returns the existing digest (CI retries are safe); with other payloads it is refused.
 */
public final class Publisher {
    private final ReleaseStore store;
    private final TransferListener listener;

    public Publisher(ReleaseStore store) {
        this(store, TransferListener.NONE);
    }

    public Publisher(ReleaseStore store, TransferListener listener) {
        this.store = store;
        this.listener = listener;
    }

    /**
     * Uploads a blob from a file region, reporting progress as the registry reads it; returns the bytes the store
     * actually read (resent parts included), 0 when it mounted the blob from another repository instead.
     */
    private long upload(OciDescriptor blob, Path file, long offset, String label) {
        BlobSource region = BlobSource.of(file).region(offset, blob.size());
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        store.pushBlob(blob, () -> {
            listener.started(blob.digest(), label, blob.size(), 0);
            return new java.io.FilterInputStream(region.open()) {
                private long done;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        done += n;
                        sent.addAndGet(n);
                        listener.progressed(blob.digest(), done, blob.size());
                        if (done == blob.size()) listener.finished(blob.digest(), blob.size());
                    }
                    return n;
                }
            };
        });
        return sent.get();
    }

    /** Counts one blob the repository did not have: sent (its bytes as the store read them), or mounted. */
    private static final class UploadCounts {
        int uploaded;
        int mounted;
        long bytes;

        void add(OciDescriptor blob, long sent) {
            if (sent == 0 && blob.size() > 0) {
                mounted++;
            } else {
                uploaded++;
                bytes += sent;
            }
        }
    }

    /** Uploads everything the release needs and its manifest by digest; the result lists the tags still to move. */
    public PublishResult stage(PublishRequest request) {
        Map<String, TargetPayload> targets = new TreeMap<>();
        for (Map.Entry<String, Path> t : request.targets().entrySet()) {
            targets.put(t.getKey(), describePayload(t.getValue(), request.chunkSize()));
        }
        String versionTag = request.version().toTag();
        Optional<Release> existing = existingRelease(versionTag);
        if (existing.isPresent()) {
            return republish(existing.get(), request, targets);
        }
        Path work = createWorkDir();
        try {
            return publishNew(request, targets, work);
        } finally {
            deleteRecursively(work);
        }
    }

    private PublishResult publishNew(PublishRequest request, Map<String, TargetPayload> targets, Path work) {
        UUID updateId = updateId(request, targets);
        PatchMaker patchMaker = new PatchMaker(store, request.delta(), work);
        List<PatchMaker.MadePatch> patches = patchMaker.make(request.version(), targets, request.targets());
        for (PatchMaker.MadePatch p : patches) {
            TargetPayload t = targets.get(p.target());
            List<dev.updater.schema.PatchDescriptor> list = new ArrayList<>(t.patches());
            list.add(p.descriptor());
            targets.put(p.target(), t.withPatches(list));
        }
        UpdateManifest update = new UpdateManifest(updateId, request.product(), request.version(),
                request.created(), request.channels(), targets);
        UploadCounts counts = new UploadCounts();
        int skipped = 0;
        List<OciDescriptor> layers = new ArrayList<>();
        Set<Digest> seen = new java.util.HashSet<>();
        for (Map.Entry<String, TargetPayload> t : targets.entrySet()) {
            TargetPayload p = t.getValue();
            Path file = request.targets().get(t.getKey());
            if (!p.isChunked()) {
                OciDescriptor blob = new OciDescriptor(p.mediaType(), p.digest(), p.size(), Map.of(
                        MediaTypes.ANNOTATION_TITLE, p.fileName(), MediaTypes.ANNOTATION_TARGET, t.getKey()),
                        Optional.empty());
                layers.add(blob);
                if (!seen.add(p.digest())) continue;
                if (store.hasBlob(p.digest())) {
                    skipped++;
                } else {
                    counts.add(blob, upload(blob, file, 0, "upload " + t.getKey()));
                }
                continue;
            }
            long offset = 0;
            for (int i = 0; i < p.chunks().size(); i++) {
                ChunkDescriptor c = p.chunks().get(i);
                OciDescriptor blob = new OciDescriptor(MediaTypes.PAYLOAD_CHUNK, c.digest(), c.size(), Map.of(
                        MediaTypes.ANNOTATION_TITLE, p.fileName(), MediaTypes.ANNOTATION_TARGET, t.getKey(),
                        MediaTypes.ANNOTATION_CHUNK_INDEX, String.valueOf(i)), Optional.empty());
                layers.add(blob);
                long chunkOffset = offset;
                offset += c.size();
                if (!seen.add(c.digest())) continue;
                if (store.hasBlob(c.digest())) {
                    skipped++;
                } else {
                    counts.add(blob, upload(blob, file, chunkOffset, "upload " + t.getKey() + " chunk " + (i + 1)
                            + "/" + p.chunks().size()));
                }
            }
        }
        for (PatchMaker.MadePatch p : patches) {
            OciDescriptor layer = PatchMaker.layerOf(p);
            layers.add(layer);
            if (!seen.add(layer.digest())) continue;
            if (store.hasBlob(layer.digest())) {
                skipped++;
            } else {
                counts.add(layer, upload(layer, p.file(), 0, "upload patch " + p.target() + " from "
                        + p.descriptor().fromVersion()));
            }
        }
        byte[] config = update.toBytes();
        OciDescriptor configDescriptor = new OciDescriptor(MediaTypes.UPDATE_MANIFEST, Digest.of(config),
                config.length);
        store.pushBlob(configDescriptor, BlobSource.of(config));
        ImageManifest manifest = new ImageManifest(Optional.of(MediaTypes.UPDATE_MANIFEST), configDescriptor, layers,
                Optional.empty(), manifestAnnotations(request));
        byte[] manifestBytes = manifest.toBytes();
        Digest digest = store.pushManifest(manifestBytes, MediaTypes.OCI_MANIFEST, Digest.of(manifestBytes).toString());
        return new PublishResult(digest, update, tagsToMove(request), false, counts.uploaded, counts.mounted, skipped,
                counts.bytes, patchMaker.reports());
    }

    /**
     * The release published as {@code version}, as a staged result whose tags to move are {@code channels} (its
     * version tag is already on it): what a promotion endorses and tags.
     *
     * @throws NotFoundException when no release has that version
     */
    public PublishResult existing(SemVer version, List<String> channels) {
        Release release = ReleaseReader.read(store, RepositoryTags.versionTag(version));
        if (!release.update().version().equals(version)) {
            throw new VersionConflictException("the tag " + RepositoryTags.versionTag(version) + " of "
                    + store.describe() + " holds version " + release.update().version() + ", not " + version
                    + "; nothing was changed");
        }
        List<String> tags = new ArrayList<>(List.of(RepositoryTags.versionTag(version)));
        tags.addAll(channels);
        return new PublishResult(release.digest(), release.update(), tags, true, 0, 0, 0, 0, List.of());
    }

    private static List<String> tagsToMove(PublishRequest request) {
        List<String> tags = new ArrayList<>(List.of(RepositoryTags.versionTag(request.version())));
        tags.addAll(request.channels());
        return tags;
    }

    /**
     * Points the release's tags at its manifest: the version tag (unless it already did) and each channel. The
     * manifest is read back by digest, so the tags get exactly the bytes that were signed and registered.
     */
    public void moveTags(PublishResult staged) {
        byte[] manifestBytes = store.fetchManifest(staged.digest().toString()).bytes();
        for (String tag : staged.tags()) {
            if (staged.alreadyPublished() && RepositoryTags.versionOf(tag).isPresent()) continue;
            store.pushManifest(manifestBytes, MediaTypes.OCI_MANIFEST, tag);
        }
    }

    private static Path createWorkDir() {
        try {
            return Files.createTempDirectory("update-push-");
        } catch (IOException e) {
            throw new LocalFileException("cannot create a temporary directory for the push", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temp files only
        }
    }

    private Optional<Release> existingRelease(String versionTag) {
        try {
            return Optional.of(ReleaseReader.read(store, versionTag));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    private PublishResult republish(Release existing, PublishRequest request, Map<String, TargetPayload> targets) {
        Map<String, Digest> wanted = new TreeMap<>();
        targets.forEach((id, p) -> wanted.put(id, p.digest()));
        Map<String, Digest> have = new TreeMap<>();
        existing.update().targets().forEach((id, p) -> have.put(id, p.digest()));
        if (!wanted.equals(have) || !existing.update().product().equals(request.product())) {
            throw new VersionConflictException("version " + request.version() + " is already published in "
                    + store.describe() + " (" + existing.digest() + ") with other payloads or product; versions are "
                    + "immutable because devices may have installed them: publish a new version");
        }
        return new PublishResult(existing.digest(), existing.update(), tagsToMove(request), true, 0, 0, 0, 0,
                List.of());
    }

    private static Map<String, String> manifestAnnotations(PublishRequest request) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put(MediaTypes.ANNOTATION_VERSION, request.version().toString());
        a.put(MediaTypes.ANNOTATION_CREATED, java.time.format.DateTimeFormatter.ISO_INSTANT.format(request.created()));
        request.source().ifPresent(s -> a.put(MediaTypes.ANNOTATION_SOURCE, s));
        request.revision().ifPresent(r -> a.put(MediaTypes.ANNOTATION_REVISION, r));
        // only when critical: a normal release keeps the bytes (and the digest) it had before urgencies existed
        if (request.urgency() == Urgency.CRITICAL) a.put(Urgency.ANNOTATION, Urgency.CRITICAL.jsonName());
        return a;
    }

    /** Derived from the content so that the same inputs (with SOURCE_DATE_EPOCH) give the same release digest. */
    private static UUID updateId(PublishRequest request, Map<String, TargetPayload> targets) {
        StringBuilder s = new StringBuilder(request.product()).append('\n').append(request.version()).append('\n')
                .append(request.created()).append('\n');
        targets.forEach((id, p) -> s.append(id).append('=').append(p.digest()).append('\n'));
        return UUID.nameUUIDFromBytes(s.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Hashes a payload file once, streaming, and takes its name and mode. */
    /**
     * Hashes a payload file once, streaming, and takes its name and mode; with a chunk size (> 0) and a larger file,
     * the same pass hashes each chunk too.
     */
    static TargetPayload describePayload(Path file, long chunkSize) {
        try {
            long total = Files.size(file);
            boolean chunked = chunkSize > 0 && total > chunkSize;
            MessageDigest sha = Digest.newMessageDigest();
            MessageDigest chunkSha = Digest.newMessageDigest();
            List<ChunkDescriptor> chunks = new ArrayList<>();
            long size = 0;
            long inChunk = 0;
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf, 0, chunked ? (int) Math.min(buf.length, chunkSize - inChunk)
                        : buf.length)) > 0; ) {
                    sha.update(buf, 0, n);
                    size += n;
                    if (chunked) {
                        chunkSha.update(buf, 0, n);
                        inChunk += n;
                        if (inChunk == chunkSize) {
                            chunks.add(new ChunkDescriptor(Digest.fromBytes(chunkSha.digest()), inChunk));
                            inChunk = 0;
                        }
                    }
                }
            }
            if (chunked && inChunk > 0) {
                chunks.add(new ChunkDescriptor(Digest.fromBytes(chunkSha.digest()), inChunk));
            }
            String name = file.getFileName().toString();
            String mediaType = name.endsWith(".tar") ? MediaTypes.PAYLOAD_TAR : MediaTypes.PAYLOAD_DEFAULT;
            return new TargetPayload(Digest.fromBytes(sha.digest()), size, mediaType, name, fileMode(file), List.of(),
                    chunks);
        } catch (IOException e) {
            throw new LocalFileException("cannot read payload " + file, e);
        }
    }

    private static int fileMode(Path file) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            return perms.contains(PosixFilePermission.OWNER_EXECUTE) ? 0755 : 0644;
        } catch (UnsupportedOperationException e) {
            return 0644;
        }
    }
}
