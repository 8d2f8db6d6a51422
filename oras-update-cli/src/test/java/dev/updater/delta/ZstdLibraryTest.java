package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zstd-jni's library is unpacked once into the user's cache and mapped from there by later JVMs; a copy that someone
 * else could have written, or a damaged one, is not loaded. Each load runs in a JVM of its own (a JVM loads the
 * library once), which says which file it mapped ({@code -Xlog:library}).
 */
class ZstdLibraryTest {
    @TempDir
    Path cache;

    @Test
    void theFirstLoadStoresTheLibraryAndTheNextOneMapsTheStoredCopy() throws Exception {
        assumeTrue(System.getProperty("os.name").equalsIgnoreCase("linux"), "the cache is for Linux");
        String first = loadInChild();
        assertTrue(first.contains("decoder native"), first);
        Path stored = onlyCachedFile();
        assertFalse(first.contains(stored.toString()), "the first load unpacks the library itself: " + first);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stored)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stored.getParent())));

        String second = loadInChild();
        assertTrue(second.contains("decoder native") && second.contains("Loaded library " + stored), second);
    }

    @Test
    void aCopyInADirectoryOthersMayWriteIsNotLoaded() throws Exception {
        assumeTrue(System.getProperty("os.name").equalsIgnoreCase("linux"), "the cache is for Linux");
        loadInChild();
        Path stored = onlyCachedFile();
        Files.setPosixFilePermissions(stored.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        java.nio.file.attribute.FileTime written = java.nio.file.attribute.FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(stored, written);
        String output = loadInChild();
        assertTrue(output.contains("decoder native"), output);
        assertFalse(output.contains("Loaded library " + stored), output);
        assertEquals(written, Files.getLastModifiedTime(stored), "left as it is, not written again on every start");
    }

    @Test
    void aDamagedCopyIsUnpackedAfreshAndReplaced() throws Exception {
        assumeTrue(System.getProperty("os.name").equalsIgnoreCase("linux"), "the cache is for Linux");
        loadInChild();
        Path stored = onlyCachedFile();
        long size = Files.size(stored);
        Files.write(stored, "not a library".getBytes(StandardCharsets.US_ASCII));
        String output = loadInChild();
        assertTrue(output.contains("decoder native"), output);
        assertEquals(size, Files.size(stored), "the damaged copy was replaced");
        assertTrue(loadInChild().contains("Loaded library " + stored));
    }

    @Test
    void cacheRootFollowsXdgAndIgnoresARelativeOne() {
        assertEquals(Optional.of(Path.of("/x/update")), ZstdLibrary.Cache.cacheRoot(Map.of("XDG_CACHE_HOME", "/x"),
                "/home/u"));
        assertEquals(Optional.of(Path.of("/home/u/.cache/update")),
                ZstdLibrary.Cache.cacheRoot(Map.of("XDG_CACHE_HOME", "rel"), "/home/u"));
        assertEquals(Optional.empty(), ZstdLibrary.Cache.cacheRoot(Map.of(), ""));
    }

    @Test
    void theCachedNameSaysWhichJarItCameFrom(@TempDir Path jars) throws IOException {
        Path jar = Files.write(jars.resolve("zstd-jni-1.5.7-28.jar"), new byte[123]);
        ZstdLibrary.Cache cached = ZstdLibrary.Cache.forJar(cache, jar, "amd64").orElseThrow();
        assertEquals("/linux/amd64/libzstd-jni-1.5.7-28.so", cached.resource());
        long time = Files.getLastModifiedTime(jar).toMillis();
        assertEquals(cache.resolve("native/libzstd-jni-1.5.7-28-linux-amd64-123-" + time + ".so"), cached.file());
        assertFalse(cached.usable(), "nothing is stored yet");
        assertEquals(Optional.empty(), ZstdLibrary.Cache.forJar(cache, Files.write(jars.resolve("shaded.jar"),
                new byte[1]), "amd64"), "a jar not named as zstd-jni's: no cache");
        assertEquals(Optional.empty(), ZstdLibrary.Cache.forJar(cache, jar, "../x"));
    }

    private Path onlyCachedFile() throws IOException {
        try (Stream<Path> files = Files.list(cache.resolve("update/native"))) {
            List<Path> all = files.toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    /** Loads the library in a new JVM whose cache is {@link #cache}; its output and the JVM's library log. */
    private String loadInChild() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:library=info", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), Child.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("XDG_CACHE_HOME", cache.toString());
        Process child = builder.start();
        String output;
        try (InputStream in = child.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not finish");
        assertEquals(0, child.exitValue(), output);
        return output;
    }

    /** Prints the decoder this JVM uses (loading the library). */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println("decoder " + ZstdCodec.decoder().name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
