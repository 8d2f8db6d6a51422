package dev.updater.tuf;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** The repository has no such metadata or target file (HTTP 403/404, no such tag...). */
public final class MetadataNotFoundException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public MetadataNotFoundException(String what, String where) {
        super(what + " not found at " + where + "; check the repository URL and that the publisher published it");
    }

    @Override
    public Failure failure() {
        return Failure.NOT_FOUND;
    }
}
