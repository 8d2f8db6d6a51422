package dev.updater.install;

import dev.updater.schema.Digest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How one {@link PayloadKind} becomes the content of a version directory. {@link PayloadInstallers} holds one
 * implementation per kind; a new kind is a new implementation and a new entry there.
 *
 * <p>Installing is two steps so that a refused payload leaves no trace: {@link #check} reads the downloaded
 * (already digest-checked) payload and writes nothing; the {@link Build} it returns fills the empty staging
 * directory. The installer then compares {@link Built#installed()} with the payload digest, syncs the directory and
 * renames it into place.
 */
interface PayloadInstaller {

    /** Checks {@code download} for {@code request}; throws {@link InstallVerificationException} to refuse it. */
    Build check(InstallRequest request, Path download) throws IOException;

    /** Bytes the version directory needs on disk, besides the download itself (for the space check). */
    long versionBytes(InstallRequest request);

    /**
     * Whether a version directory whose listing equals {@code record}'s still matches the payload digest (for a
     * payload that is installed as it is, its one file must hash to it).
     */
    boolean matchesPayload(InstalledVersion record, List<InstalledFile> listing);

    /** Fills a staging directory from a checked payload. */
    @FunctionalInterface
    interface Build {
        Built into(Path staging) throws IOException;
    }

    /**
     * @param installed the digest of the bytes the directory was built from: hashed again while building, or the
     *     verified download's when the download itself was moved in
     * @param files what the directory holds, as its record lists it
     */
    record Built(Digest installed, List<InstalledFile> files) {
        public Built {
            files = List.copyOf(files);
        }
    }
}
