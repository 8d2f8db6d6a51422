package dev.updater.registry;

import dev.updater.schema.Failure;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/**
 * A local file could not be read or written: an OCI layout, the download area, an {@code --output} file. The cause
 * is the machine (a full disk, a read-only mount, permissions, a failing device), never a bug and never the
 * network, so it is local state (exit 7), named with its path and what to do; retrying would fail the same way.
 */
public final class LocalFileException extends RegistryException {
    private static final long serialVersionUID = 1L;
    private static final String NO_SPACE = "No space left on device";
    private static final String READ_ONLY = "Read-only file system";

    /** {@code what}: the operation and its path, e.g. "cannot write /srv/out/app". */
    public LocalFileException(String what, Throwable cause) {
        super(what + ": " + reason(cause) + advice(cause), cause);
    }

    @Override
    public Failure failure() {
        return Failure.STATE;
    }

    /** Whether {@code e} or a cause is the operating system's "no space left on device". */
    public static boolean isNoSpace(Throwable e) {
        return has(e, NO_SPACE);
    }

    /** Whether {@code e} or a cause is a write refused by a read-only file system. */
    public static boolean isReadOnly(Throwable e) {
        return has(e, READ_ONLY);
    }

    private static String reason(Throwable e) {
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        if (e instanceof AccessDeniedException) return "permission denied";
        return String.valueOf(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    }

    private static String advice(Throwable e) {
        if (isNoSpace(e)) return "; the file system is full: free some space there and run the command again";
        if (isReadOnly(e)) return "; the file system is mounted read-only: remount it read-write or choose another"
                + " path";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AccessDeniedException) {
                return "; check the permissions of that path for the user running update";
            }
        }
        return "";
    }

    private static boolean has(Throwable e, String reason) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(reason)) return true;
            for (Throwable s : t.getSuppressed()) {
                if (s.getMessage() != null && s.getMessage().contains(reason)) return true;
            }
        }
        return false;
    }
}
