package dev.updater.install;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the installer gets a payload's bytes: the pull engine downloads (and digest-checks while streaming) into the
 * path it is given. The installer hashes the file again before installing it, so a source that gets it wrong is
 * caught, never installed.
 */
@FunctionalInterface
public interface PayloadSource {
    /**
     * Writes the whole payload to {@code target} (creating or replacing it). An {@link IOException} or an
     * {@link dev.updater.schema.UpdaterException} of kind {@code NETWORK} is retried with backoff; any other
     * exception ends the install.
     */
    void writeVerifiedPayload(Path target) throws IOException;
}
