package dev.updater.tuf;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;
import java.nio.file.Path;

/** A signing key file is missing, unreadable or of a kind we cannot sign with. */
public final class TufKeyFileException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public TufKeyFileException(Path file, String problem) {
        super("key file " + file + " " + problem + "; keys are PEM PKCS#8 files as 'update trust init' writes them");
    }

    @Override
    public Failure failure() {
        return Failure.USAGE;
    }
}
