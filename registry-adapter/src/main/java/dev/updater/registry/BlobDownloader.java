package dev.updater.registry;

import dev.updater.registry.io.Durable;
import dev.updater.schema.Digest;
import dev.updater.schema.OciDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Downloads a blob into a partial file named by its digest, resuming instead of restarting: a partial file left by
 * an earlier run is re-hashed and continued with a Range request. Within a run, a connection that breaks mid-body is
 * the transport's to continue ({@link ReleaseStore#transferBlobFrom}: Range from the reset offset, on the store's
 * one retry policy), so this class has no retry loop of its own and the registry sees the policy's attempts, not a
 * product. A server that ignores Range for the first request (200) restarts the file cleanly. Every byte is hashed;
 * more bytes than declared are refused at once; the file is handed back only when length and digest match.
 */
public final class BlobDownloader {
    private final ReleaseStore store;
    private final long stallMillis;
    private final MinimumThroughput minimum;
    private final TransferListener listener;

    public BlobDownloader(ReleaseStore store, long stallMillis, TransferListener listener) {
        this(store, stallMillis, MinimumThroughput.configured(), listener);
    }

    public BlobDownloader(ReleaseStore store, long stallMillis, MinimumThroughput minimum,
            TransferListener listener) {
        this.store = store;
        this.stallMillis = stallMillis;
        this.minimum = minimum;
        this.listener = listener;
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
        Path part = partialFile(downloadsDir, blob.digest());
        try {
            Files.createDirectories(downloadsDir);
            MessageDigest sha = Digest.newMessageDigest();
            long have = rehashPrefix(part, blob, sha);
            listener.started(blob.digest(), label, blob.size(), have);
            if (have < blob.size()) {
                try {
                    have = fetchFrom(blob, part, sha, have);
                } catch (IOException e) {
                    throw stopped(blob, label, Files.size(part), e);
                }
            }
            if (have < blob.size()) {
                throw stopped(blob, label, have, new java.io.EOFException("the body ended early"));
            }
            Digest actual = Digest.fromBytes(sha.digest());
            if (!actual.equals(blob.digest())) {
                Files.deleteIfExists(part);
                throw new DigestMismatchException(label + " from " + store.describe(), blob.digest(),
                        actual.toString());
            }
            listener.finished(blob.digest(), blob.size());
            return part;
        } catch (IOException e) {
            throw new LocalFileException("cannot write " + part, e);
        }
    }

    /** The transfer's retries are spent (or a store without them failed): what arrived stays for the next run. */
    static RegistryNetworkException stopped(OciDescriptor blob, String label, long have, IOException e) {
        int attempts = e instanceof TransferAbandonedException t ? t.attempts() : 1;
        return new RegistryNetworkException("download of " + label + " (" + blob.digest().shortForm()
                + ") stopped at " + have + " of " + blob.size() + " bytes after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + (e.getMessage() == null ? "" : " (last: " + e.getMessage() + ")")
                + "; run the same command again to resume from there", e);
    }

    /** Hashes what an earlier run left; a prefix longer than the blob is garbage and is dropped. */
    private static long rehashPrefix(Path part, OciDescriptor blob, MessageDigest sha) throws IOException {
        if (!Files.exists(part)) return 0;
        if (Files.size(part) > blob.size()) {
            Files.delete(part);
            return 0;
        }
        long n = 0;
        try (InputStream in = Files.newInputStream(part)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                sha.update(buf, 0, r);
                n += r;
            }
        }
        return n;
    }

    private long fetchFrom(OciDescriptor blob, Path part, MessageDigest sha, long have) throws IOException {
        RangedStream ranged = store.transferBlobFrom(blob, have, new TransferGuard(stallMillis, minimum,
                (offset, why) -> listener.resumed(blob.digest(), offset, why)));
        long position = ranged.start();
        if (position != have) {
            // The server ignored Range: start over, keeping nothing we cannot vouch for.
            sha.reset();
            position = 0;
        }
        StandardOpenOption mode = position == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND;
        // A failing read is the network (retried, resumed); a failing write is this machine (a full disk, a
        // read-only mount): it is thrown at once as LocalFileException, since the next attempt would fail alike.
        try (InputStream in = ranged.in();
                FileChannel ch = openForWriting(part, mode)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            try {
                for (int n; (n = in.read(buf.array(), 0, (int) Math.min(buf.capacity(), blob.size() - position)))
                        > 0; ) {
                    write(ch, buf.limit(n).position(0), part);
                    sha.update(buf.array(), 0, n);
                    position += n;
                    listener.progressed(blob.digest(), position, blob.size());
                    if (position == blob.size()) {
                        if (in.read() >= 0) {
                            Files.deleteIfExists(part);
                            throw new DigestMismatchException(blob.digest() + " from " + store.describe()
                                    + " (the registry sent more than the " + blob.size() + " bytes declared)",
                                    blob.digest(), "an over-long blob");
                        }
                        break;
                    }
                }
            } finally {
                Durable.sync(ch, part);
            }
        }
        return position;
    }

    private static FileChannel openForWriting(Path part, StandardOpenOption mode) {
        try {
            return FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
        } catch (IOException e) {
            throw new LocalFileException("cannot write " + part, e);
        }
    }

    static void write(FileChannel ch, ByteBuffer bytes, Path part) {
        try {
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
        } catch (IOException e) {
            throw new LocalFileException("cannot write " + part, e);
        }
    }
}
