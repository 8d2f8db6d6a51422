package dev.updater.install;

import dev.updater.registry.io.Durable;
import dev.updater.schema.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/** {@link PayloadKind#FILE}: the payload is copied (and synced) under its file name with its file mode. */
final class FilePayloadInstaller implements PayloadInstaller {

    @Override
    public Build check(InstallRequest request, Path download) {
        return staging -> {
            Path file = staging.resolve(request.fileName());
            copyDurably(download, file);
            Files.setPosixFilePermissions(file, PosixFiles.permissions(request.fileMode() & 0777));
            Digest installed = TreeListing.sha256(file);
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
