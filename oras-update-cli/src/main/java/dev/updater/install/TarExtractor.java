package dev.updater.install;

import dev.updater.registry.LocalFileException;
import dev.updater.registry.io.Durable;
import dev.updater.schema.Digest;
import dev.updater.schema.UntrustedText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Installs a tar payload as a directory in two passes over the downloaded archive: the first checks every entry and
 * writes nothing, the second extracts what the first accepted while hashing the archive again, so the directory is
 * built from exactly the bytes whose digest was checked.
 *
 * <p>Refused: absolute names, {@code ..} components, symlinks that are absolute, leave the directory or pass
 * through another symlink, hard links to anything but an earlier regular file, entries below a file or link,
 * duplicates, device files, fifos, sparse files, and regular files adding up to more than the declared total.
 */
final class TarExtractor {
    private static final int MAX_ENTRIES = 100_000;

    private enum Kind { DIRECTORY, FILE, SYMLINK, HARDLINK }

    private record Planned(String path, Kind kind, int mode, long size, String link) {}

    /** The checked entries of an archive, in archive order. */
    static final class Plan {
        private final List<Planned> entries;
        private final long totalBytes;

        private Plan(List<Planned> entries, long totalBytes) {
            this.entries = List.copyOf(entries);
            this.totalBytes = totalBytes;
        }

        long totalBytes() {
            return totalBytes;
        }
    }

    private TarExtractor() {}

    static Plan inspect(Path archive, long maxTotalBytes) throws IOException {
        List<Planned> entries = new ArrayList<>();
        Map<String, Kind> declared = new HashMap<>();
        Set<String> impliedDirectories = new HashSet<>();
        long total = 0;
        try (InputStream file = Files.newInputStream(archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(file)) {
            TarArchiveEntry entry;
            while ((entry = nextEntry(tar)) != null) {
                if (entries.size() >= MAX_ENTRIES) refuse("more than " + MAX_ENTRIES + " entries");
                Planned planned = check(entry);
                if (planned == null) {
                    continue;
                }
                checkPlacement(planned, declared, impliedDirectories);
                if (planned.kind == Kind.FILE) {
                    total += planned.size;
                    if (total > maxTotalBytes) {
                        refuse("its files add up to more than the declared total of " + maxTotalBytes + " bytes");
                    }
                }
                if (planned.kind == Kind.HARDLINK && declared.get(planned.link) != Kind.FILE) {
                    refuse("hard link " + UntrustedText.quoteLong(planned.path) + " must point to an earlier regular file, not "
                            + UntrustedText.quoteLong(planned.link));
                }
                declared.put(planned.path, planned.kind);
                entries.add(planned);
            }
        }
        for (Planned p : entries) {
            if (p.kind == Kind.SYMLINK) {
                checkSymlinkStaysInside(p, declared);
            }
        }
        return new Plan(entries, total);
    }

    /** Extracts into {@code destination} (an empty directory) and returns the digest of the whole archive. */
    static Digest extract(Path archive, Plan plan, Path destination) throws IOException {
        MessageDigest md = Digest.newMessageDigest();
        Map<Path, Integer> directoryModes = new HashMap<>();
        long written = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream file = Files.newInputStream(archive)) {
            DigestInputStream hashing = new DigestInputStream(file, md);
            @SuppressWarnings("resource") // closing it would close the file before the rest is hashed
            TarArchiveInputStream tar = new TarArchiveInputStream(hashing);
            int index = 0;
            TarArchiveEntry entry;
            while ((entry = nextEntry(tar)) != null) {
                Planned seen = check(entry);
                if (seen == null) {
                    continue;
                }
                if (index >= plan.entries.size() || !plan.entries.get(index).equals(seen)) {
                    refuse("the archive changed between inspection and extraction");
                }
                index++;
                Path target = destination.resolve(seen.path);
                Files.createDirectories(target.getParent());
                switch (seen.kind) {
                    case DIRECTORY -> {
                        Files.createDirectories(target);
                        directoryModes.put(target, seen.mode);
                    }
                    case FILE -> {
                        written = writeFile(tar, target, seen.size, written, buffer);
                        Files.setPosixFilePermissions(target, PosixFiles.permissions(seen.mode));
                    }
                    case SYMLINK -> Files.createSymbolicLink(target, Path.of(seen.link));
                    case HARDLINK -> Files.createLink(target, destination.resolve(seen.link));
                }
            }
            if (index != plan.entries.size()) {
                refuse("the archive changed between inspection and extraction");
            }
            while (hashing.read(buffer) >= 0) {
                // hash the end-of-archive blocks too: the digest covers the archive exactly as received
            }
        }
        // Deepest first, so that a read-only directory is closed only after everything below it exists.
        directoryModes.entrySet().stream()
                .sorted((a, b) -> Integer.compare(b.getKey().getNameCount(), a.getKey().getNameCount()))
                .forEach(e -> setMode(e.getKey(), e.getValue()));
        return Digest.fromBytes(md.digest());
    }

    private static long writeFile(InputStream in, Path target, long size, long position, byte[] buffer)
            throws IOException {
        long remaining = size;
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (remaining > 0) {
                int want = CrashHooks.limit("apply", position, (int) Math.min(buffer.length, remaining));
                int n = in.read(buffer, 0, want);
                if (n < 0) {
                    refuse("entry " + target.getFileName() + " ends before its declared size");
                }
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                remaining -= n;
                position += n;
            }
            Durable.sync(out, target);
        }
        return position;
    }

    private static void setMode(Path dir, int mode) {
        try {
            Files.setPosixFilePermissions(dir, PosixFiles.permissions(mode));
        } catch (IOException e) {
            throw new LocalFileException("cannot set the mode of " + dir, e);
        }
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws IOException {
        try {
            return tar.getNextEntry();
        } catch (IllegalArgumentException | IOException e) {
            throw new InstallVerificationException("the tar payload is not a valid archive: " + UntrustedText.escapeAll(e.getMessage())
                    + "; nothing was installed", e);
        }
    }

    /** The entry as we would write it, or null for the archive's own root ("./"). */
    private static Planned check(TarArchiveEntry entry) {
        String name = entry.getName();
        String path = normalize(name, "entry");
        if (entry.isCharacterDevice() || entry.isBlockDevice()) refuse("entry " + UntrustedText.quoteLong(name) + " is a device file");
        if (entry.isFIFO()) refuse("entry " + UntrustedText.quoteLong(name) + " is a fifo");
        if (entry.isSparse()) refuse("entry " + UntrustedText.quoteLong(name) + " is a sparse file");
        int mode = entry.getMode() & 0777; // setuid/setgid/sticky never come from a payload
        if (path.isEmpty()) {
            if (entry.isDirectory()) return null;
            refuse("entry " + UntrustedText.quoteLong(name) + " has an empty name");
        }
        if (entry.isSymbolicLink()) {
            String link = entry.getLinkName();
            if (link == null || link.isEmpty()) refuse("symlink " + UntrustedText.quoteLong(name) + " has no target");
            if (link.startsWith("/")) refuse("symlink " + UntrustedText.quoteLong(name) + " -> " + UntrustedText.quoteLong(link) + " is absolute");
            return new Planned(path, Kind.SYMLINK, 0777, 0, link);
        }
        if (entry.isLink()) {
            return new Planned(path, Kind.HARDLINK, mode, 0, normalize(entry.getLinkName(), "hard link target"));
        }
        if (entry.isDirectory()) {
            return new Planned(path, Kind.DIRECTORY, mode, 0, "");
        }
        if (entry.isFile()) {
            if (entry.getSize() < 0) refuse("entry " + UntrustedText.quoteLong(name) + " has a negative size");
            return new Planned(path, Kind.FILE, mode, entry.getSize(), "");
        }
        refuse("entry " + UntrustedText.quoteLong(name) + " has an unsupported type (tar type "
                + UntrustedText.quoteLong(String.valueOf((char) entry.getLinkFlag())) + ")");
        return null;
    }

    private static String normalize(String name, String what) {
        if (name == null) refuse("an " + what + " has no name");
        if (name.indexOf('\0') >= 0) refuse(what + " " + UntrustedText.quoteLong(name) + " contains a NUL character");
        if (name.startsWith("/")) refuse(what + " " + UntrustedText.quoteLong(name) + " is an absolute path");
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.equals("..")) refuse(what + " " + UntrustedText.quoteLong(name) + " contains '..'");
            if (!part.isEmpty() && !part.equals(".")) parts.add(part);
        }
        return String.join("/", parts);
    }

    private static void checkPlacement(Planned p, Map<String, Kind> declared, Set<String> impliedDirectories) {
        String[] parts = p.path.split("/");
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            if (i > 0) prefix.append('/');
            prefix.append(parts[i]);
            Kind kind = declared.get(prefix.toString());
            if (kind != null && kind != Kind.DIRECTORY) {
                refuse("entry " + UntrustedText.quoteLong(p.path) + " lies below " + UntrustedText.quoteLong(prefix.toString()) + ", which is not a directory");
            }
            impliedDirectories.add(prefix.toString());
        }
        Kind existing = declared.get(p.path);
        if (existing != null && !(existing == Kind.DIRECTORY && p.kind == Kind.DIRECTORY)) {
            refuse("entry " + UntrustedText.quoteLong(p.path) + " appears twice");
        }
        if (p.kind != Kind.DIRECTORY && impliedDirectories.contains(p.path)) {
            refuse("entry " + UntrustedText.quoteLong(p.path) + " is also a directory of other entries");
        }
    }

    private static void checkSymlinkStaysInside(Planned link, Map<String, Kind> declared) {
        List<String> resolved = new ArrayList<>(List.of(link.path.split("/")));
        resolved.remove(resolved.size() - 1);
        String[] steps = link.link.split("/");
        for (int i = 0; i < steps.length; i++) {
            String step = steps[i];
            if (step.isEmpty() || step.equals(".")) continue;
            if (step.equals("..")) {
                if (resolved.isEmpty()) {
                    refuse("symlink " + UntrustedText.quoteLong(link.path) + " -> " + UntrustedText.quoteLong(link.link) + " points outside the version directory");
                }
                resolved.remove(resolved.size() - 1);
            } else {
                resolved.add(step);
                boolean more = i < steps.length - 1;
                if (more && declared.get(String.join("/", resolved)) == Kind.SYMLINK) {
                    refuse("symlink " + UntrustedText.quoteLong(link.path) + " -> " + UntrustedText.quoteLong(link.link) + " passes through another symlink");
                }
            }
        }
    }

    private static void refuse(String why) {
        throw new InstallVerificationException("refusing the tar payload: " + why + "; nothing was installed");
    }
}
