package dev.updater.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Random archives built from names full of {@code ..}, {@code .}, leading slashes and links: whatever the archive,
 * either it is refused and nothing exists under the install root's versions, or it is installed and every entry and
 * every link stays inside the version directory; nothing is ever written next to the install root.
 */
class TarSafetyPropertiesTest {

    record Entry(char type, String name, String link) {}

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment = Arbitraries.of("a", "b", "..", ".", "", "outside");
        return Combinators.combine(Arbitraries.of("", "/", "./"), segment.list().ofMinSize(1).ofMaxSize(4))
                .as((prefix, parts) -> prefix + String.join("/", parts));
    }

    @Provide
    Arbitrary<List<Entry>> archives() {
        Arbitrary<Entry> entry = Combinators.combine(Arbitraries.of('f', 'd', 'l', 'h'), paths(), paths())
                .as(Entry::new);
        return entry.list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 100)
    void anArchiveIsRefusedWithNoTraceOrInstalledEntirelyInside(@ForAll("archives") List<Entry> entries)
            throws IOException {
        byte[] archive;
        try {
            archive = Releases.build(out -> {
                for (Entry e : entries) {
                    TarArchiveEntry t = switch (e.type()) {
                        case 'd' -> new TarArchiveEntry(e.name().endsWith("/") ? e.name() : e.name() + "/", true);
                        case 'l' -> new TarArchiveEntry(e.name(), TarConstants.LF_SYMLINK, true);
                        case 'h' -> new TarArchiveEntry(e.name(), TarConstants.LF_LINK, true);
                        default -> new TarArchiveEntry(e.name(), true);
                    };
                    if (e.type() == 'l' || e.type() == 'h') t.setLinkName(e.link());
                    byte[] content = e.type() == 'f' ? e.name().getBytes(StandardCharsets.UTF_8) : new byte[0];
                    t.setSize(content.length);
                    out.putArchiveEntry(t);
                    out.write(content);
                    out.closeArchiveEntry();
                }
            });
        } catch (RuntimeException e) {
            Assume.that(false); // commons-compress itself would not write this archive
            return;
        }
        Path sandbox = Files.createTempDirectory("tar-property");
        try {
            Path root = sandbox.resolve("root");
            InstallRequest request = Releases.tarRequest("1.0.0", archive);
            boolean installed;
            try (Installer installer = Installer.open(root, InstallOptions.defaults())) {
                installer.install(request, target -> Files.write(target, archive));
                installed = true;
            } catch (InstallVerificationException refused) {
                installed = false;
            }
            net.jqwik.api.statistics.Statistics.label("outcome").collect(installed ? "installed" : "refused");
            try (var siblings = Files.list(sandbox)) {
                assertEquals(List.of(root), siblings.toList(), "nothing may appear beside the install root");
            }
            Path versionDir = root.resolve("versions/1.0.0");
            if (!installed) {
                try (var versions = Files.list(root.resolve("versions"))) {
                    assertEquals(List.of(), versions.toList(), "a refused archive leaves nothing: " + entries);
                }
                return;
            }
            Path realVersionDir = versionDir.toRealPath();
            try (var walk = Files.walk(versionDir)) {
                for (Path p : walk.toList()) {
                    if (Files.isSymbolicLink(p)) {
                        Path lexical = p.getParent().resolve(Files.readSymbolicLink(p)).normalize();
                        assertTrue(lexical.startsWith(versionDir), p + " -> " + lexical + " in " + entries);
                        if (Files.exists(p)) {
                            assertTrue(p.toRealPath().startsWith(realVersionDir), p + " resolves outside: " + entries);
                        }
                    } else {
                        assertTrue(p.toRealPath(LinkOption.NOFOLLOW_LINKS).startsWith(realVersionDir));
                    }
                }
            }
        } finally {
            PosixFiles.deleteTree(sandbox);
        }
    }
}
