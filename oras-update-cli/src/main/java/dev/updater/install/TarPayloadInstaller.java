package dev.updater.install;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link PayloadKind#TAR}: every entry is checked before anything is written ({@link TarExtractor#inspect}), then the
 * archive is extracted while it is hashed again. The record lists every file with its own hash, since the archive's
 * digest does not cover the extracted files.
 */
final class TarPayloadInstaller implements PayloadInstaller {

    @Override
    public Build check(InstallRequest request, Path download) throws IOException {
        TarExtractor.Plan plan = TarExtractor.inspect(download, request.maxExtractedBytes());
        return staging -> new Built(TarExtractor.extract(download, plan, staging), TreeListing.list(staging));
    }

    @Override
    public long versionBytes(InstallRequest request) {
        return request.maxExtractedBytes();
    }

    @Override
    public boolean matchesPayload(InstalledVersion record, List<InstalledFile> listing) {
        return true; // the listing, equal to the record, compared every file's own hash
    }
}
