package dev.updater.install;

import dev.updater.registry.io.Durable;
import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code .updater/downloads/}: the area the installer lends the payload source. A payload is fetched into
 * {@code <hex>.fetched} (retried with exponential backoff), synced and renamed to {@code <hex>.payload}; the pull
 * engine's own {@code <hex>.part} partials live here too and survive a failure, so that the next run resumes.
 */
final class DownloadArea {
    private static final String FETCHED_SUFFIX = ".fetched";
    /** The pull engine's partial downloads, kept across runs so that an interrupted download resumes. */
    private static final String RESUMABLE_SUFFIX = ".part";

    private final InstallLayout layout;
    private final InstallOptions options;
    private final InstallJournal journal;

    DownloadArea(InstallLayout layout, InstallOptions options, InstallJournal journal) {
        this.layout = layout;
        this.options = options;
        this.journal = journal;
    }

    /** Fetches into {@code downloads/<hex>.payload}, retrying with exponential backoff. */
    Path fetch(InstallRequest request, PayloadSource source) throws IOException {
        // Not "<hex>.part": that name belongs to the pull engine's resumable partial download in the same directory.
        Path part = layout.downloads().resolve(request.payloadDigest().hex() + FETCHED_SUFFIX);
        Path download = layout.downloads().resolve(request.payloadDigest().hex() + ".payload");
        Exception last = null;
        for (int attempt = 1; attempt <= options.fetchAttempts(); attempt++) {
            journal.transition(InstallState.FETCHING, attempt, attempt == 1 ? "" : "retrying", 0);
            try {
                Files.deleteIfExists(part);
                source.writeVerifiedPayload(part);
                if (!Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("the payload source wrote no file");
                }
                Durable.move(part, download);
                return download;
            } catch (IOException e) {
                if (LocalFileSystem.isLocalWriteFailure(e)) {
                    throw e; // a full or read-only disk stays so: retrying it as if the network failed cannot help
                }
                last = e;
            } catch (UpdaterException e) {
                if (e.failure() != Failure.NETWORK) {
                    throw e;
                }
                last = e;
            }
            journal.emit(InstallState.FETCHING, 0, Optional.of(Failure.NETWORK), "attempt " + attempt + " of "
                    + options.fetchAttempts() + " failed: " + last.getMessage());
            if (attempt < options.fetchAttempts()) {
                InstallLock.sleep(options.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20)));
            }
        }
        Files.deleteIfExists(part);
        if (last instanceof UpdaterException u) {
            throw u;
        }
        throw new FetchFailedException("could not fetch the payload of " + request.version() + " after "
                + options.fetchAttempts() + " attempts: " + last.getMessage()
                + "; check the network and the registry, then run the pull again", last);
    }

    /**
     * Clears {@code downloads/}. After a failure or crash the pull engine's resumable partials stay, so the next run
     * continues where the transfer stopped; after a commit everything goes (other versions' partials are stale).
     */
    void clear(boolean keepResumable) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.downloads())) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (keepResumable && name.endsWith(RESUMABLE_SUFFIX) && !name.startsWith(".")) {
                    continue;
                }
                PosixFiles.deleteTree(p);
            }
        }
    }
}
