package dev.updater.install;

import dev.updater.registry.io.Durable;
import dev.updater.schema.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * {@link PayloadKind#FILE}: the payload becomes the version's one file, under its file name with its file mode. The
 * verified download is renamed into the staging directory (both are under the install root), so the payload is
 * written once and not read again; only where they are on different file systems is it copied (and synced), and
 * the copy is hashed again.
 */
final class FilePayloadInstaller implements PayloadInstaller {

    @Override
    public Build check(InstallRequest request, Path download) {
        return staging -> {
            Path file = staging.resolve(request.fileName());
            Digest installed = moveOrCopy(request, download, file);
            Files.setPosixFilePermissions(file, PosixFiles.permissions(request.fileMode() & 0777));
            return new Built(installed, List.of(new InstalledFile(request.fileName(), InstalledFile.Type.FILE,
                    PosixFiles.mode(Files.getPosixFilePermissions(file)), Files.size(file), Optional.of(installed),
                    Optional.empty())));
        };
    }

    @Override
    public long versionBytes(InstallRequest request) {
        return request.size();
    }

    @Override
    public boolean matchesPayload(InstalledVersion record, List<InstalledFile> listing) {
        return listing.size() == 1 && listing.get(0).sha256().equals(Optional.of(record.payloadDigest()));
    }

    /**
     * The digest of the file now at {@code to}: a rename keeps the bytes the installer has verified as the payload
     * (the download, already synced), a copy is hashed again.
     */
    private static Digest moveOrCopy(InstallRequest request, Path from, Path to) throws IOException {
        // A kill "while applying" a rename is a kill just before it: the crash campaign's apply@N points land here.
        CrashHooks.atomicStep("apply");
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            return request.payloadDigest();
        } catch (AtomicMoveNotSupportedException otherFileSystem) {
            copyDurably(from, to);
            return TreeListing.sha256(to);
        }
    }

    private static void copyDurably(Path from, Path to) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long position = 0;
        try (InputStream in = Files.newInputStream(from);
                FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                int n = in.read(buffer, 0, CrashHooks.limit("apply", position, buffer.length));
                if (n < 0) {
                    break;
                }
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                position += n;
            }
            Durable.sync(out, to);
        }
    }
}
