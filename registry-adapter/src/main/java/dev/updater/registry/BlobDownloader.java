package dev.updater.registry;

import dev.updater.schema.Digest;
import dev.updater.schema.OciDescriptor;
import java.nio.file.Path;

/**
 * Downloads a blob into a partial file named by its digest, resuming instead of restarting: a partial file left by
 * an earlier run is re-hashed and continued with a Range request. Within a run, a connection that breaks mid-body is
 * the transport's to continue ({@link ReleaseStore#transferBlobFrom}: Range from the reset offset, on the store's
 * one retry policy), so there is no retry loop here and the registry sees the policy's attempts, not a product. A
 * server that ignores Range restarts the file cleanly. Every byte is hashed once; more bytes than declared are
 * refused at once; the file is handed back only when length and digest match.
 *
 * <p>A blob is the one-chunk case of {@link ConcatenatedBlobDownloader}, which does the work for both.
 */
public final class BlobDownloader {
    private final ConcatenatedBlobDownloader downloader;

    public BlobDownloader(ReleaseStore store, long stallMillis, TransferListener listener) {
        this.downloader = new ConcatenatedBlobDownloader(store, stallMillis, listener);
    }

    /** The partial file for a blob inside {@code downloadsDir}. */
    public static Path partialFile(Path downloadsDir, Digest digest) {
        return downloadsDir.resolve(digest.hex() + ".part");
    }

    /**
     * Downloads {@code blob} into {@code downloadsDir}; returns the verified, fsync'd file (still named
     * {@code <hex>.part}: the caller moves it where it belongs). On a digest or length mismatch the partial file is
     * deleted (its bytes are bad) and {@link DigestMismatchException} is thrown.
     */
    public Path download(OciDescriptor blob, Path downloadsDir, String label) {
        return downloader.download(ConcatenatedBlobDownloader.Payload.of(blob, label), downloadsDir);
    }
}
