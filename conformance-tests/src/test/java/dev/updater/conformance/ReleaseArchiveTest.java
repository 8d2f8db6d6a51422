package dev.updater.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive {@code update-VERSION.tar.gz}, as a user installs it: extracted anywhere, it runs, ships its
 * man pages, completions and NOTICE, and makes its own start-up archive on the first call (the build's one is for the
 * build's location only), which the JVM then accepts at the new place.
 */
class ReleaseArchiveTest {
    @TempDir
    Path dir;

    private static Path archive() throws IOException {
        Path target = Cli.launcher().getParent().getParent().getParent();
        try (Stream<Path> files = Files.list(target)) {
            List<Path> archives = files.filter(p -> p.getFileName().toString().matches("update-.+\\.tar\\.gz"))
                    .toList();
            assertEquals(1, archives.size(), "one release archive in " + target + ": " + archives);
            return archives.get(0);
        }
    }

    @Test
    void extractedAnywhereItRunsAndMakesItsOwnStartUpArchive() throws IOException {
        Path archive = archive();
        Cli.Result untar = Cli.run(List.of("tar", "-xzf", archive.toString(), "-C", dir.toString()), Map.of());
        assertEquals(0, untar.exitCode(), untar::toString);
        String top = archive.getFileName().toString().replace(".tar.gz", "");
        Path home = dir.resolve(top);
        Path launcher = home.resolve("bin/update");
        assertTrue(Files.getPosixFilePermissions(launcher).contains(PosixFilePermission.OTHERS_EXECUTE));

        Path cache = dir.resolve("cache");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
        Cli.Result first = Cli.run(List.of(launcher.toString(), "version"), env);
        assertEquals(0, first.exitCode(), first::toString);
        assertTrue(first.out().startsWith("update "), first::toString);
        assertEquals("", first.err(), "the first call makes the archive quietly");
        List<Path> made;
        try (Stream<Path> files = Files.list(cache.resolve("update"))) {
            made = files.toList();
        }
        assertEquals(1, made.size(), made::toString);
        assertTrue(made.get(0).getFileName().toString().endsWith(".jsa"), made::toString);
        assertTrue(Files.size(made.get(0)) > 1_000_000, "the archive holds the trained classes");

        // -Xshare:on makes the JVM fail rather than silently run without the archive
        Map<String, String> strict = Map.of("XDG_CACHE_HOME", cache.toString(), "UPDATE_JAVA_OPTS", "-Xshare:on");
        Cli.Result second = Cli.run(List.of(launcher.toString(), "pull", "--help"), strict);
        assertEquals(0, second.exitCode(), second::toString);
        assertEquals("", second.err(), "the first device call makes the device archive quietly");
        // a device's calls have an archive of their own, made on the first of them; the calls below require it
        List<Path> device;
        try (Stream<Path> files = Files.list(cache.resolve("update"))) {
            device = files.filter(f -> f.getFileName().toString().startsWith("update-device-")).toList();
        }
        assertEquals(1, device.size(), "one device archive: " + device);
        assertTrue(Files.size(device.get(0)) > 1_000_000, "the device archive holds the trained classes");

        Cli.Result exitCode = Cli.run(List.of(launcher.toString(), "pull", "oci:" + dir.resolve("none") + ":1.0.0",
                "--target", "t", "--output", dir.resolve("out").toString()), strict);
        assertEquals(3, exitCode.exitCode(), "the launcher keeps the command's exit code: " + exitCode);

        // every subcommand's help, and a push and a pull on a layout, with the start-up archive in effect
        for (String sub : List.of("push", "pull", "check", "inspect", "versions", "version", "diff", "patch",
                "tuf-client", "keygen", "sign", "verify", "status", "rollback", "trust", "login", "logout", "promote",
                "rollout", "completion")) {
            Cli.Result help = Cli.run(List.of(launcher.toString(), sub, "--help"), strict);
            assertEquals(0, help.exitCode(), help::toString);
            assertTrue(help.out().contains("Usage: update " + sub), help::toString);
        }
        // patch (a delta's apply) has an archive of its own too, made on its first call (the help above)
        List<Path> apply;
        try (Stream<Path> files = Files.list(cache.resolve("update"))) {
            apply = files.filter(f -> f.getFileName().toString().startsWith("update-apply-")).toList();
        }
        assertEquals(1, apply.size(), "one apply archive: " + apply);
        assertTrue(Files.size(apply.get(0)) > 1_000_000, "the apply archive holds the trained classes");
        Path payload = Files.write(dir.resolve("app"), new byte[] {1, 2, 3, 4, 5});
        String layout = "oci:" + dir.resolve("layout");
        Cli.Result push = Cli.run(List.of(launcher.toString(), "push", layout, "--version", "1.0.0", "--target",
                "linux=" + payload), strict);
        assertEquals(0, push.exitCode(), push::toString);
        Cli.Result pull = Cli.run(List.of(launcher.toString(), "pull", layout + ":1.0.0", "--target", "linux",
                "--output", dir.resolve("pulled").toString(), "--state-dir", dir.resolve("state").toString()), strict);
        assertEquals(0, pull.exitCode(), pull::toString);
        assertEquals(5, Files.size(dir.resolve("pulled")));

        // A new build at the same place (another jar) makes new archives and removes those the JVM now refuses.
        Path jar = home.resolve("lib/oras-update-cli.jar");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(jar).toMillis() - 86_400_000L));
        assertEquals(0, Cli.run(List.of(launcher.toString(), "version"), env).exitCode());
        assertEquals(0, Cli.run(List.of(launcher.toString(), "pull", "--help"), env).exitCode());
        assertEquals(0, Cli.run(List.of(launcher.toString(), "patch", "--help"), env).exitCode());
        List<String> after;
        try (Stream<Path> files = Files.list(cache.resolve("update"))) {
            after = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".jsa")).sorted().toList();
        }
        assertEquals(3, after.size(), "one general, one device and one apply archive, of the new jar: " + after);
        assertTrue(after.stream().noneMatch(f -> made.get(0).getFileName().toString().equals(f)
                || device.get(0).getFileName().toString().equals(f)
                || apply.get(0).getFileName().toString().equals(f)), "the old archives are gone: " + after);
        Cli.Result usesNew = Cli.run(List.of(launcher.toString(), "pull", "--help"), strict);
        assertEquals(0, usesNew.exitCode(), usesNew::toString);
    }

    /** With a JDK 25 the installed copy uses its AOT cache instead, made on the first call and then required. */
    @Test
    void onJdk25TheMovedArchiveMakesAndUsesAnAotCache() throws IOException {
        Path jdk25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(jdk25.resolve("bin/java")),
                "no JDK 25 at " + jdk25);
        Path archive = archive();
        assertEquals(0, Cli.run(List.of("tar", "-xzf", archive.toString(), "-C", dir.toString()), Map.of())
                .exitCode());
        Path launcher = dir.resolve(archive.getFileName().toString().replace(".tar.gz", "")).resolve("bin/update");
        Path cache = dir.resolve("cache");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString(), "JAVA_HOME", jdk25.toString());
        Cli.Result first = Cli.run(List.of(launcher.toString(), "version"), env);
        assertEquals(0, first.exitCode(), first::toString);
        assertEquals("", first.err(), "the first call makes the cache quietly");
        List<Path> made;
        try (Stream<Path> files = Files.list(cache.resolve("update"))) {
            made = files.toList();
        }
        assertEquals(1, made.size(), made::toString);
        assertTrue(made.get(0).getFileName().toString().endsWith(".aot"), made::toString);
        // AOTMode=on makes the JVM fail rather than run without the cache
        Cli.Result second = Cli.run(List.of(launcher.toString(), "pull", "--help"), Map.of("XDG_CACHE_HOME",
                cache.toString(), "JAVA_HOME", jdk25.toString(), "UPDATE_JAVA_OPTS", "-XX:AOTMode=on"));
        assertEquals(0, second.exitCode(), second::toString);
    }

    @Test
    void itShipsManPagesCompletionsAndANotice() throws IOException {
        Path archive = archive();
        Cli.Result list = Cli.run(List.of("tar", "-tzf", archive.toString()), Map.of());
        assertEquals(0, list.exitCode(), list::toString);
        String top = archive.getFileName().toString().replace(".tar.gz", "") + "/";
        for (String entry : List.of("bin/update", "lib/oras-update-cli.jar", "NOTICE", "share/man/man1/update.1",
                "share/man/man1/update-pull.1", "share/man/man1/update-push.1",
                "share/bash-completion/completions/update", "share/zsh/site-functions/_update",
                "share/fish/vendor_completions.d/update.fish")) {
            assertTrue(list.out().lines().anyMatch(l -> l.equals(top + entry)), entry + " missing:\n" + list.out());
        }
        assertTrue(list.out().lines().noneMatch(l -> l.endsWith(".jsa")), "no archive tied to the build's path");

        Cli.Result untar = Cli.run(List.of("tar", "-xzf", archive.toString(), "-C", dir.toString()), Map.of());
        assertEquals(0, untar.exitCode(), untar::toString);
        Path home = dir.resolve(top);
        Cli.Result man = Cli.run(List.of("groff", "-man", "-Tascii", "-P-cbu",
                home.resolve("share/man/man1/update-pull.1").toString()), Map.of());
        assertEquals(0, man.exitCode(), man::toString);
        assertTrue(man.out().contains("update-pull") && man.out().contains("--install-root"), man::toString);
        Cli.Result root = Cli.run(List.of("groff", "-man", "-Tascii", "-P-cbu",
                home.resolve("share/man/man1/update.1").toString()), Map.of());
        assertTrue(root.out().contains("Exit codes") && root.out().contains("update-pull(1)"), root::toString);
        String notice = Files.readString(home.resolve("NOTICE"));
        assertTrue(notice.contains("picocli") && notice.contains("Bouncy Castle"), notice);
    }
}
