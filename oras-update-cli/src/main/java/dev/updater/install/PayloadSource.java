package dev.updater.install;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the installer gets a payload's bytes: the pull engine downloads (and digest-checks while streaming) into the
 * path it is given. Unless the source says it {@linkplain #checksWhileWriting() checks while writing}, the installer
 * hashes the file again before installing it, so a source that gets it wrong is caught, never installed.
 */
@FunctionalInterface
public interface PayloadSource {
    /**
     * Writes the whole payload to {@code target} (creating or replacing it). An {@link IOException} or an
     * {@link dev.updater.schema.UpdaterException} of kind {@code NETWORK} is retried with backoff; any other
     * exception ends the install.
     */
    void writeVerifiedPayload(Path target) throws IOException;

    /**
     * True when {@link #writeVerifiedPayload} leaves {@code target} only once every byte it wrote has been hashed on
     * the way and the size and SHA-256 matched the request's: the installer then checks the size alone and does not
     * read the whole payload a second time.
     */
    default boolean checksWhileWriting() {
        return false;
    }

    /** {@code writer}, declared as a source that checks size and digest while it writes. */
    static PayloadSource checkedWhileWriting(PayloadSource writer) {
        return new PayloadSource() {
            @Override
            public void writeVerifiedPayload(Path target) throws IOException {
                writer.writeVerifiedPayload(target);
            }

            @Override
            public boolean checksWhileWriting() {
                return true;
            }
        };
    }
}
