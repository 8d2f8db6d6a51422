package dev.updater.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.install.Releases.Release;
import dev.updater.schema.Failure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TarPayloadTest {
    @TempDir
    Path root;

    private static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void installsATarAsADirectoryWithModesAndInternalLinks() throws IOException {
        Release r = Releases.tar("1.0.0", 3000);
        try (Installer installer = Installer.open(root, InstallOptions.defaults())) {
            installer.install(r.request(), r.source());
        }
        Path current = root.resolve("current");
        assertTrue(r.matches(current));
        assertEquals(0755, PosixFiles.mode(Files.getPosixFilePermissions(current.resolve("bin/app"))));
        assertEquals(0644, PosixFiles.mode(Files.getPosixFilePermissions(current.resolve("etc/app.conf"))));
        assertEquals(Path.of("app"), Files.readSymbolicLink(current.resolve("bin/current-app")));
    }

    static Stream<Arguments> unsafeArchives() {
        return Stream.of(
                Arguments.of("a ../ entry", Releases.build(out -> {
                    Releases.addFile(out, "ok.txt", HELLO, 0100644);
                    Releases.addFile(out, "sub/../../evil.txt", HELLO, 0100644);
                }), "contains '..'"),
                Arguments.of("an absolute path", Releases.build(out -> Releases.addFile(out, "/tmp/evil.txt", HELLO,
                        0100644)), "absolute"),
                Arguments.of("a symlink leaving the directory", Releases.build(out -> {
                    TarArchiveEntry link = new TarArchiveEntry("up", TarConstants.LF_SYMLINK);
                    link.setLinkName("sub/../..");
                    out.putArchiveEntry(link);
                    out.closeArchiveEntry();
                }), "points outside"),
                Arguments.of("an absolute symlink", Releases.build(out -> {
                    TarArchiveEntry link = new TarArchiveEntry("passwd", TarConstants.LF_SYMLINK);
                    link.setLinkName("/etc/passwd");
                    out.putArchiveEntry(link);
                    out.closeArchiveEntry();
                }), "absolute"),
                Arguments.of("a file written through a symlink", Releases.build(out -> {
                    TarArchiveEntry link = new TarArchiveEntry("dir", TarConstants.LF_SYMLINK);
                    link.setLinkName(".");
                    out.putArchiveEntry(link);
                    out.closeArchiveEntry();
                    Releases.addFile(out, "dir/x", HELLO, 0100644);
                }), "not a directory"),
                Arguments.of("a symlink chained through another", Releases.build(out -> {
                    TarArchiveEntry here = new TarArchiveEntry("d/here", TarConstants.LF_SYMLINK);
                    here.setLinkName("..");
                    out.putArchiveEntry(here);
                    out.closeArchiveEntry();
                    TarArchiveEntry escape = new TarArchiveEntry("escape", TarConstants.LF_SYMLINK);
                    escape.setLinkName("d/here/..");
                    out.putArchiveEntry(escape);
                    out.closeArchiveEntry();
                }), "passes through another symlink"),
                Arguments.of("a hard link to outside", Releases.build(out -> {
                    TarArchiveEntry link = new TarArchiveEntry("shadow", TarConstants.LF_LINK);
                    link.setLinkName("../../etc/shadow");
                    out.putArchiveEntry(link);
                    out.closeArchiveEntry();
                }), "contains '..'"),
                Arguments.of("a character device", Releases.build(out -> {
                    TarArchiveEntry dev = new TarArchiveEntry("null", TarConstants.LF_CHR);
                    out.putArchiveEntry(dev);
                    out.closeArchiveEntry();
                }), "device"),
                Arguments.of("a fifo", Releases.build(out -> {
                    TarArchiveEntry fifo = new TarArchiveEntry("pipe", TarConstants.LF_FIFO);
                    out.putArchiveEntry(fifo);
                    out.closeArchiveEntry();
                }), "fifo"),
                Arguments.of("a duplicate entry", Releases.build(out -> {
                    Releases.addFile(out, "a.txt", HELLO, 0100644);
                    Releases.addFile(out, "./a.txt", HELLO, 0100644);
                }), "twice"));
    }

    @ParameterizedTest(name = "refuses {0}")
    @MethodSource("unsafeArchives")
    void refusesUnsafeArchivesAndWritesNothing(String what, byte[] archive, String expected) throws IOException {
        InstallRequest request = Releases.tarRequest("1.0.0", archive);
        try (Installer installer = Installer.open(root, InstallOptions.defaults())) {
            InstallVerificationException e = assertThrows(InstallVerificationException.class,
                    () -> installer.install(request, target -> Files.write(target, archive)));
            assertEquals(Failure.VERIFICATION, e.failure());
            assertTrue(e.getMessage().contains(expected), what + ": " + e.getMessage());
        }
        assertNothingInstalled();
        assertTrue(Files.notExists(root.getParent().resolve("evil.txt")));
    }

    @Test
    void refusesFilesAddingUpToMoreThanTheDeclaredTotal() throws IOException {
        byte[] archive = Releases.build(out -> {
            Releases.addFile(out, "a.bin", new byte[600], 0100644);
            Releases.addFile(out, "b.bin", new byte[600], 0100644);
        });
        InstallRequest request = Releases.tarRequest("1.0.0", archive).withMaxExtractedBytes(1000);
        try (Installer installer = Installer.open(root, InstallOptions.defaults())) {
            InstallVerificationException e = assertThrows(InstallVerificationException.class,
                    () -> installer.install(request, target -> Files.write(target, archive)));
            assertTrue(e.getMessage().contains("declared total of 1000 bytes"), e.getMessage());
        }
        assertNothingInstalled();
    }

    @Test
    void aLegitimateInternalSymlinkUpwardsIsAccepted() throws IOException {
        byte[] archive = Releases.build(out -> {
            Releases.addFile(out, "lib/libx.so.1", HELLO, 0100644);
            TarArchiveEntry link = new TarArchiveEntry("bin/libx.so", TarConstants.LF_SYMLINK);
            link.setLinkName("../lib/libx.so.1");
            out.putArchiveEntry(link);
            out.closeArchiveEntry();
        });
        try (Installer installer = Installer.open(root, InstallOptions.defaults())) {
            installer.install(Releases.tarRequest("1.0.0", archive), target -> Files.write(target, archive));
        }
        assertEquals("hello\n", Files.readString(root.resolve("current/bin/libx.so")));
    }

    @Test
    void readOnlyDirectoriesAndHardLinksInstallAndAreRemovedByRetention() throws IOException {
        byte[] archive = Releases.build(out -> {
            TarArchiveEntry dir = new TarArchiveEntry("ro/");
            dir.setMode(040555);
            out.putArchiveEntry(dir);
            out.closeArchiveEntry();
            Releases.addFile(out, "ro/f", HELLO, 0100444);
            TarArchiveEntry link = new TarArchiveEntry("ro/hl", TarConstants.LF_LINK);
            link.setLinkName("ro/f");
            out.putArchiveEntry(link);
            out.closeArchiveEntry();
        });
        Release next = Releases.file("2.0.0", 10);
        try (Installer installer = Installer.open(root, InstallOptions.defaults().withRetention(0, 0))) {
            installer.install(Releases.tarRequest("1.0.0", archive), target -> Files.write(target, archive));
            assertEquals("hello\n", Files.readString(root.resolve("current/ro/hl")));
            assertEquals(0555, PosixFiles.mode(Files.getPosixFilePermissions(root.resolve("current/ro"))));
            // 1.0.0 becomes the newest snapshot (kept), then a third install lets retention remove it.
            installer.install(next.request(), next.source());
            Release third = Releases.file("3.0.0", 10);
            InstallResult result = installer.install(third.request(), third.source());
            assertEquals(List.of(dev.updater.schema.SemVer.parse("1.0.0")), result.pruned());
        }
        try (var versions = Files.list(root.resolve("versions"))) {
            assertEquals(List.of("2.0.0", "3.0.0"), versions.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    private void assertNothingInstalled() throws IOException {
        try (var versions = Files.list(root.resolve("versions"))) {
            assertEquals(List.of(), versions.toList());
        }
        try (var downloads = Files.list(root.resolve(".updater/downloads"))) {
            assertEquals(List.of(), downloads.toList());
        }
        assertTrue(Files.notExists(root.resolve("current"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(Map.of(), Map.of());
    }
}
