package dev.updater.pull;

import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreIoException;
import dev.updater.release.Release;
import dev.updater.release.ReleaseReader;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.TargetPayload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Fetches one target of a release to a file: resolve the reference to a digest, read and check the release, select
 * the target, stream the payload through the digest check into a temp file beside the output, then rename. A pull
 * that fails for any reason leaves no output file behind.
 */
public final class PullEngine {
    private final ReleaseStore store;

    public PullEngine(ReleaseStore store) {
        this.store = store;
    }

    public PullResult pullToFile(String tagOrDigest, String targetId, Path output) {
        Release release = ReleaseReader.read(store, tagOrDigest);
        TargetPayload payload = release.target(targetId);
        long bytes = download(release.payloadBlob(targetId), payload.fileMode(), output);
        return new PullResult(release.digest(), release.update().product(), release.update().version(), targetId,
                payload.digest(), payload.size(), bytes, output);
    }

    /** Streams a blob through its digest check into {@code output} atomically; returns the bytes read. */
    public long download(OciDescriptor blob, int fileMode, Path output) {
        Path target = output.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + ".part-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(target.getParent());
            long count = 0;
            try (InputStream in = store.openBlob(blob);
                    FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream out = Channels.newOutputStream(ch)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    count += n;
                }
                ch.force(true);
            }
            setMode(temp, fileMode);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return count;
        } catch (IOException e) {
            throw new StoreIoException("cannot write " + target, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // nothing more we can do; the name marks it as a partial file
            }
        }
    }

    private static void setMode(Path file, int mode) throws IOException {
        StringBuilder s = new StringBuilder();
        String chars = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            s.append((mode & (1 << (8 - i))) != 0 ? chars.charAt(i) : '-');
        }
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(s.toString()));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the mode cannot be represented
        }
    }
}
