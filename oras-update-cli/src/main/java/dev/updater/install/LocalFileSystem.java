package dev.updater.install;

import dev.updater.registry.LocalFileException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The install root's file system as the user must fix it: a full disk, a read-only mount, a file or symlink where
 * the layout needs a directory. Each is reported as local state (exit 7) naming the path and what to do, because
 * none of them is a bug, and retrying the download would not help.
 */
final class LocalFileSystem {

    private LocalFileSystem() {}

    /**
     * Checks, before anything is created, that the layout's fixed paths are what they must be: the root and
     * {@code .updater} real directories (a symlinked state directory would put the journal, the lock and the
     * downloads on another file system, where the renames the crash safety relies on are not atomic), the lock a
     * regular file, and the file system writable.
     */
    static void checkLayout(InstallLayout layout) {
        Path root = layout.root();
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new InstallStateException("install root " + root + " is " + describeKind(root) + ", not a directory;"
                    + " give a directory (it is created if missing)");
        }
        for (Path dir : new Path[] {layout.stateDir(), layout.versions()}) {
            if (Files.isSymbolicLink(dir)) {
                throw new InstallStateException(dir + " is a symbolic link (to " + linkTarget(dir) + "); the install"
                        + " state must be a real directory inside " + root + " so that its renames are atomic:"
                        + " replace the link by the directory it points to");
            }
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new InstallStateException(dir + " is " + describeKind(dir) + ", not a directory; " + root
                        + " is not an install root, or it was damaged: move that file away");
            }
        }
        Path lock = layout.lockFile();
        if (Files.exists(lock, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS)) {
            throw new InstallStateException("the lock file " + lock + " is " + describeKind(lock) + "; it must be a"
                    + " regular file: remove it (the lock is held on the file, so no updater can be holding this one)");
        }
        existingAncestor(root).flatMap(LocalFileSystem::store).filter(FileStore::isReadOnly).ifPresent(store -> {
            throw new InstallIoException("install root " + root + " is on a read-only file system (" + store
                    + "); nothing was changed. Remount it read-write, or choose another --install-root");
        });
    }

    /**
     * Refuses to start an install that cannot fit: {@code needed} bytes (the download plus the version directory
     * built from it) against what the file system of the root has free. Nothing has been written yet.
     */
    static void requireSpace(InstallLayout layout, String what, long needed) {
        long free = usableSpace(layout.root());
        if (free >= 0 && free < needed) {
            throw new InstallIoException(noSpaceMessage(layout, what, needed, free) + "; nothing was changed");
        }
    }

    /**
     * The failure to report for {@code e}, an I/O error while {@code what} ran in the root: a full disk or a
     * read-only file system with the space needed or the mount, anything else with its own message.
     */
    static InstallIoException failure(InstallLayout layout, String what, Throwable e, long needed,
            String consequence) {
        if (LocalFileException.isNoSpace(e)) {
            return new InstallIoException(noSpaceMessage(layout, what, needed, usableSpace(layout.root())) + "; "
                    + consequence, e);
        }
        if (LocalFileException.isReadOnly(e)) {
            return new InstallIoException(what + " failed: " + layout.root() + " is on a read-only file system ("
                    + existingAncestor(layout.root()).flatMap(LocalFileSystem::store).map(Object::toString)
                    .orElse("?") + "); remount it read-write. " + consequence, e);
        }
        return new InstallIoException(what + " failed: " + e + "; " + consequence, e);
    }

    /**
     * Whether {@code e} (or a cause) is the local file system refusing a write: full, read-only or not permitted.
     * Such a failure is not retried like a network error: the next attempt would fail the same way.
     */
    static boolean isLocalWriteFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.file.AccessDeniedException) return true;
        }
        return LocalFileException.isNoSpace(e) || LocalFileException.isReadOnly(e);
    }

    /** Whether {@code e} or one of its causes is the operating system's "no space left" error. */
    static boolean isNoSpace(Throwable e) {
        return LocalFileException.isNoSpace(e);
    }

    private static String noSpaceMessage(InstallLayout layout, String what, long needed, long free) {
        return "not enough space in " + layout.root() + " for " + what + ": it needs " + mebibytes(needed)
                + " (" + needed + " bytes: the download and the version directory), "
                + (free >= 0 ? mebibytes(free) + " (" + free + " bytes) are free" : "the free space is unknown")
                + "; free some space there (or keep fewer versions with --keep) and run the pull again";
    }

    private static long usableSpace(Path path) {
        return existingAncestor(path).flatMap(LocalFileSystem::store).map(s -> {
            try {
                return s.getUsableSpace();
            } catch (IOException e) {
                return -1L;
            }
        }).orElse(-1L);
    }

    private static Optional<Path> existingAncestor(Path path) {
        for (Path p = path.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    private static Optional<FileStore> store(Path path) {
        try {
            return Optional.of(Files.getFileStore(path));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String describeKind(Path path) {
        if (Files.isSymbolicLink(path)) return "a symbolic link (to " + linkTarget(path) + ")";
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) return "a directory";
        if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) return "a regular file";
        return "a special file";
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String mebibytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
