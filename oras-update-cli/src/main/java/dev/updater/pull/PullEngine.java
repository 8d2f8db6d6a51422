package dev.updater.pull;

import dev.updater.registry.BlobDownloader;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreIoException;
import dev.updater.release.Release;
import dev.updater.release.ReleaseReader;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.TargetPayload;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Fetches one target of a release to a file: resolve the reference to a digest once, read and check the release,
 * select the target, download the payload (resumable, digest-checked) and move it into place atomically. A pull that
 * fails for any reason leaves no output file behind; a partial download stays in the state directory for the next
 * run to resume.
 */
public final class PullEngine {
    private final ReleaseStore store;
    private final PullOptions options;

    public PullEngine(ReleaseStore store, PullOptions options) {
        this.store = store;
        this.options = options;
    }

    public PullResult pullToFile(String tagOrDigest, String targetId, Path output) {
        Release release = ReleaseReader.read(store, tagOrDigest);
        TargetPayload payload = release.target(targetId);
        long bytes = fetchPayload(release.payloadBlob(targetId), payload.fileName(), payload.fileMode(), output);
        return new PullResult(release.digest(), release.update().product(), release.update().version(), targetId,
                payload.digest(), payload.size(), bytes, output);
    }

    /** Downloads a blob (verified) and installs it at {@code output} with {@code fileMode}; returns bytes fetched. */
    public long fetchPayload(OciDescriptor blob, String label, int fileMode, Path output) {
        Path part = new BlobDownloader(store, options.transferAttempts(), options.stallMillis(), options.listener())
                .download(blob, options.downloadsDir(), label);
        moveIntoPlace(part, fileMode, output.toAbsolutePath());
        return blob.size();
    }

    private static void moveIntoPlace(Path verified, int fileMode, Path target) {
        Path temp = target.resolveSibling("." + target.getFileName() + ".part-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(target.getParent());
            try {
                Files.move(verified, temp, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.FileSystemException e) {
                // another file system: copy beside the target so the final step is still one rename
                Files.copy(verified, temp, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                Files.delete(verified);
            }
            setMode(temp, fileMode);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException ignored) {
                // some file systems cannot fsync a directory; the rename itself is still atomic
            }
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

    static void setMode(Path file, int mode) throws IOException {
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
