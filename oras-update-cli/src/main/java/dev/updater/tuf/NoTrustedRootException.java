package dev.updater.tuf;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** The metadata directory holds no trusted root, so nothing can be verified. */
public final class NoTrustedRootException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public NoTrustedRootException(java.nio.file.Path file) {
        super("no trusted root at " + file + ": pin the first root with 'update tuf-client --metadata-dir DIR init "
                + "ROOT.json' (or 'update trust bootstrap ROOT.json') using a root obtained out of band");
    }

    @Override
    public Failure failure() {
        return Failure.STATE;
    }
}
