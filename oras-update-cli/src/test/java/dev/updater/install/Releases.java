package dev.updater.install;

import dev.updater.schema.Digest;
import dev.updater.schema.SemVer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Test releases: a payload's bytes, the request that installs it, and an independent check of an install. */
final class Releases {
    /** Entries carry a fixed time so that the same release has the same digest in every process. */
    private static final java.util.Date FIXED_TIME = new java.util.Date(1_700_000_000_000L);

    private Releases() {}

    record Release(InstallRequest request, byte[] payload, Map<String, byte[]> expectedFiles) {
        SemVer version() {
            return request.version();
        }

        PayloadSource source() {
            return target -> Files.write(target, payload);
        }

        /** Checks the version directory without the installer's own code: names, contents, nothing extra. */
        boolean matches(Path dir) {
            Path versionDir;
            try {
                versionDir = dir.toRealPath(); // 'current' is a symlink: compare what it points at
            } catch (IOException e) {
                return false;
            }
            try (var walk = Files.walk(versionDir)) {
                long regularFiles = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).count();
                if (regularFiles != expectedFiles.size()) return false;
                for (Map.Entry<String, byte[]> e : expectedFiles.entrySet()) {
                    Path file = versionDir.resolve(e.getKey());
                    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                            || !java.util.Arrays.equals(Files.readAllBytes(file), e.getValue())) {
                        return false;
                    }
                }
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static Release file(String version, int size) {
        byte[] payload = randomBytes(size, version.hashCode());
        SemVer v = SemVer.parse(version);
        return new Release(InstallRequest.file(v, Digest.of(payload), payload.length, "app", 0755), payload,
                Map.of("app", payload));
    }

    static Release tar(String version, int fileSize) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("bin/app", randomBytes(fileSize, version.hashCode()));
        files.put("etc/app.conf", ("version=" + version + "\n").getBytes(StandardCharsets.UTF_8));
        files.put("share/data.bin", randomBytes(fileSize / 2, version.hashCode() + 1L));
        byte[] payload = tarOf(files, true);
        SemVer v = SemVer.parse(version);
        return new Release(InstallRequest.tar(v, Digest.of(payload), payload.length, "app.tar"), payload, files);
    }

    /** A tar with directory entries, the given files and (optionally) a symlink {@code bin/current-app -> app}. */
    static byte[] tarOf(Map<String, byte[]> files, boolean withSymlink) {
        return build(out -> {
            for (String dir : new String[] {"bin/", "etc/", "share/"}) {
                TarArchiveEntry d = new TarArchiveEntry(dir);
                d.setMode(040755);
                d.setModTime(FIXED_TIME);
                out.putArchiveEntry(d);
                out.closeArchiveEntry();
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                addFile(out, f.getKey(), f.getValue(), f.getKey().startsWith("bin/") ? 0100755 : 0100644);
            }
            if (withSymlink) {
                TarArchiveEntry link = new TarArchiveEntry("bin/current-app", TarConstants.LF_SYMLINK);
                link.setLinkName("app");
                link.setModTime(FIXED_TIME);
                out.putArchiveEntry(link);
                out.closeArchiveEntry();
            }
        });
    }

    interface TarWriter {
        void write(TarArchiveOutputStream out) throws IOException;
    }

    static byte[] build(TarWriter writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            writer.write(out);
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static void addFile(TarArchiveOutputStream out, String name, byte[] content, int mode) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(content.length);
        e.setMode(mode);
        e.setModTime(FIXED_TIME);
        out.putArchiveEntry(e);
        out.write(content);
        out.closeArchiveEntry();
    }

    static InstallRequest tarRequest(String version, byte[] payload) {
        return InstallRequest.tar(SemVer.parse(version), Digest.of(payload), payload.length, "app.tar");
    }
}
