package dev.updater.install;

import dev.updater.schema.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Lists a version directory as {@link InstalledFile}s (sorted, links not followed), hashing every regular file. */
final class TreeListing {
    private TreeListing() {}

    static List<InstalledFile> list(Path dir) throws IOException {
        List<InstalledFile> entries = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(dir)) {
                    entries.add(new InstalledFile(relative(dir, d), InstalledFile.Type.DIRECTORY, mode(d), 0,
                            Optional.empty(), Optional.empty()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    entries.add(new InstalledFile(relative(dir, f), InstalledFile.Type.SYMLINK, 0777, 0,
                            Optional.empty(), Optional.of(Files.readSymbolicLink(f).toString())));
                } else if (attrs.isRegularFile()) {
                    entries.add(new InstalledFile(relative(dir, f), InstalledFile.Type.FILE, mode(f), attrs.size(),
                            Optional.of(sha256(f)), Optional.empty()));
                } else {
                    throw new IOException("unexpected special file in a version directory: " + f);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        entries.sort(Comparator.comparing(InstalledFile::path));
        return entries;
    }

    static Digest sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return Digest.of(in);
        }
    }

    private static int mode(Path p) throws IOException {
        return PosixFiles.mode(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }
}
