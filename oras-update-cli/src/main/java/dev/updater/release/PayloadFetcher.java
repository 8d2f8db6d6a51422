package dev.updater.release;

import dev.updater.registry.BlobDownloader;
import dev.updater.registry.DigestMismatchException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.LocalFileException;
import dev.updater.registry.TransferListener;
import dev.updater.registry.io.Durable;
import dev.updater.schema.ChunkDescriptor;
import dev.updater.schema.Digest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.TargetPayload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetches a payload into the downloads directory as one verified file, whether it is stored whole or as chunks.
 * Chunks are downloaded (and kept, verified, across runs) one by one, so a transfer resumes chunk by chunk even
 * where a registry or proxy ignores Range; then they are joined while the whole payload's digest is checked.
 */
public final class PayloadFetcher {
    private final ReleaseStore store;
    private final Path downloadsDir;
    private final long stallMillis;
    private final TransferListener listener;

    /**
     * @param downloadsDir     where partial downloads are kept between runs (named by digest, so a rerun resumes)
     * @param stallMillis      after how long without data a connection counts as dead
     */
    public PayloadFetcher(ReleaseStore store, Path downloadsDir, long stallMillis, TransferListener listener) {
        this.store = store;
        this.downloadsDir = downloadsDir;
        this.stallMillis = stallMillis;
        this.listener = listener;
    }

    /**
     * Downloads and verifies every blob of the payload (the whole payload, or each chunk) and leaves them as the
     * resumable, complete downloads of the downloads directory, which an install keeps: the later {@link #fetch}
     * finds them complete and downloads nothing.
     */
    public void prefetch(TargetPayload payload, String label) {
        BlobDownloader downloader = new BlobDownloader(store, stallMillis, listener);
        if (!payload.isChunked()) {
            downloader.download(new OciDescriptor(payload.mediaType(), payload.digest(), payload.size()),
                    downloadsDir, label);
            return;
        }
        for (int i = 0; i < payload.chunks().size(); i++) {
            ChunkDescriptor c = payload.chunks().get(i);
            downloader.download(new OciDescriptor(MediaTypes.PAYLOAD_CHUNK, c.digest(), c.size()),
                    downloadsDir, label + " (chunk " + (i + 1) + "/" + payload.chunks().size() + ")");
        }
    }

    /** The verified payload file (named by digest inside the downloads directory); the caller moves or deletes it. */
    public Path fetch(TargetPayload payload, String label) {
        BlobDownloader downloader = new BlobDownloader(store, stallMillis, listener);
        if (!payload.isChunked()) {
            return downloader.download(new OciDescriptor(payload.mediaType(), payload.digest(), payload.size()),
                    downloadsDir, label);
        }
        List<Path> parts = new ArrayList<>();
        int n = payload.chunks().size();
        for (int i = 0; i < n; i++) {
            ChunkDescriptor c = payload.chunks().get(i);
            parts.add(downloader.download(new OciDescriptor(MediaTypes.PAYLOAD_CHUNK, c.digest(), c.size()),
                    downloadsDir, label + " (chunk " + (i + 1) + "/" + n + ")"));
        }
        return join(payload, parts);
    }

    /** Joins the verified chunks into one file, which appears only when it has the payload's size and digest. */
    private Path join(TargetPayload payload, List<Path> parts) {
        Path joined = downloadsDir.resolve(payload.digest().hex() + ".joined");
        try {
            Durable.write(joined, out -> {
                MessageDigest sha = Digest.newMessageDigest();
                long size = 0;
                byte[] buf = new byte[1 << 16];
                for (Path part : parts) {
                    try (InputStream in = Files.newInputStream(part)) {
                        for (int r; (r = in.read(buf)) > 0; ) {
                            out.write(buf, 0, r);
                            sha.update(buf, 0, r);
                            size += r;
                        }
                    }
                }
                Digest actual = Digest.fromBytes(sha.digest());
                if (!actual.equals(payload.digest()) || size != payload.size()) {
                    // Every chunk matched its own digest, so the release itself lists chunks of another payload.
                    throw new DigestMismatchException("payload " + payload.fileName() + " joined from its chunks",
                            payload.digest(), actual.toString());
                }
            });
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
            return joined;
        } catch (IOException e) {
            throw new LocalFileException("cannot join the chunks into " + joined, e);
        }
    }
}
