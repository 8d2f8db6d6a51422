package dev.updater.tuf;

import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where TUF metadata and target files come from: bytes out, nothing else. Implementations know the transport (plain
 * HTTP repository, OCI registry...) and nothing about trust; {@link TufClient} checks everything they return.
 */
public interface MetadataFetcher {
    /**
     * Returns the metadata file of {@code roleName} ({@code version} present: the versioned file such as
     * {@code 3.root.json}; absent: the unversioned one such as {@code timestamp.json}).
     *
     * @throws MetadataNotFoundException if the repository does not have that file (the end of the root chain)
     * @throws dev.updater.schema.tuf.MetadataTooLargeException if it has more than {@code maxLength} bytes
     * @throws TufFetchException if the transport failed
     */
    byte[] fetchMetadata(String roleName, OptionalLong version, long maxLength);

    /**
     * Opens target file {@code targetPath}; {@code hashPrefix} is present under consistent snapshots (the file is
     * then published as {@code dir/HASH.name}). The caller limits, hashes and closes the stream.
     *
     * @throws MetadataNotFoundException if the repository does not have the file
     * @throws TufFetchException if the transport failed
     */
    InputStream openTarget(String targetPath, Optional<String> hashPrefix);
}
