package dev.updater.release;

import dev.updater.registry.BlobDownloader;
import dev.updater.registry.ConcatenatedBlobDownloader;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.TransferListener;
import dev.updater.schema.ChunkDescriptor;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.TargetPayload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetches a payload into the downloads directory as one verified file, whether it is stored whole or as chunks.
 * Chunks are downloaded one by one straight into that file at their offsets, each byte hashed once into its chunk's
 * digest and the payload's; the file is kept across runs, and a rerun resumes it chunk by chunk, even where a
 * registry or proxy ignores Range.
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
     * Downloads and verifies the payload and leaves it as the resumable, complete download of the downloads
     * directory, which an install keeps: the later {@link #fetch} finds it complete and downloads nothing.
     */
    public void prefetch(TargetPayload payload, String label) {
        fetch(payload, label);
    }

    /** The verified payload file (named by digest inside the downloads directory); the caller moves or deletes it. */
    public Path fetch(TargetPayload payload, String label) {
        if (!payload.isChunked()) {
            return new BlobDownloader(store, stallMillis, listener).download(
                    new OciDescriptor(payload.mediaType(), payload.digest(), payload.size()), downloadsDir, label);
        }
        List<OciDescriptor> chunks = new ArrayList<>();
        for (ChunkDescriptor c : payload.chunks()) {
            chunks.add(new OciDescriptor(MediaTypes.PAYLOAD_CHUNK, c.digest(), c.size()));
        }
        return new ConcatenatedBlobDownloader(store, stallMillis, listener).download(
                new ConcatenatedBlobDownloader.Payload(chunks, payload.digest(), payload.size(), label), downloadsDir);
    }
}
