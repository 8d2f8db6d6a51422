package dev.updater.release;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdateManifest;
import dev.updater.schema.UpdaterException;

/** The release has no payload for the requested target. */
public final class UnknownTargetException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public UnknownTargetException(String target, UpdateManifest update) {
        super("release " + update.product() + " " + update.version() + " has no target "
                + dev.updater.schema.UntrustedText.quoteLong(target) + "; available targets: " + String.join(", ", update.sortedTargets().keySet()));
    }

    @Override
    public Failure failure() {
        return Failure.NOT_FOUND;
    }
}
