package dev.updater.install;

import dev.updater.schema.Digest;
import dev.updater.schema.SemVer;
import dev.updater.schema.TargetPayload;

/**
 * One version to install: what the payload must hash to, how big it is, and how it becomes a version directory.
 *
 * @param fileName for {@link PayloadKind#FILE} the name the file gets inside the version directory; for
 *                 {@link PayloadKind#TAR} informational only
 * @param fileMode for {@link PayloadKind#FILE} its permission bits (setuid/setgid/sticky are dropped)
 * @param maxExtractedBytes for {@link PayloadKind#TAR} the declared total of the entries' sizes: an archive whose
 *                 regular files add up to more is refused before anything is written
 */
public record InstallRequest(SemVer version, Digest payloadDigest, long size, PayloadKind kind, String fileName,
        int fileMode, long maxExtractedBytes) {

    public InstallRequest {
        if (version == null) throw new IllegalArgumentException("an install request needs a version");
        if (payloadDigest == null) throw new IllegalArgumentException("an install request needs the payload digest");
        if (size < 0) throw new IllegalArgumentException("payload size cannot be negative: " + size);
        if (kind == null) throw new IllegalArgumentException("an install request needs a payload kind");
        if (!TargetPayload.isValidFileName(fileName)) {
            throw new IllegalArgumentException("file name must be a plain name (no '/', not '.' or '..'): " + fileName);
        }
        if (fileMode < 0 || fileMode > 07777) throw new IllegalArgumentException("file mode out of range: " + fileMode);
        if (maxExtractedBytes < 0) throw new IllegalArgumentException("declared total size cannot be negative");
    }

    /** A single-file payload (binary, firmware image). */
    public static InstallRequest file(SemVer version, Digest digest, long size, String fileName, int fileMode) {
        return new InstallRequest(version, digest, size, PayloadKind.FILE, fileName, fileMode, size);
    }

    /**
     * A tar payload; its regular files may add up to at most {@code size} bytes (an uncompressed archive is always
     * larger than its contents) unless {@link #withMaxExtractedBytes(long)} declares another total.
     */
    public static InstallRequest tar(SemVer version, Digest digest, long size, String fileName) {
        return new InstallRequest(version, digest, size, PayloadKind.TAR, fileName, 0755, size);
    }

    public InstallRequest withMaxExtractedBytes(long total) {
        return new InstallRequest(version, payloadDigest, size, kind, fileName, fileMode, total);
    }
}
