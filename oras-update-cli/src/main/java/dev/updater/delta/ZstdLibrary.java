package dev.updater.delta;

import com.github.luben.zstd.util.Native;
import dev.updater.registry.io.Durable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads zstd-jni's native library, from a copy in the user's cache when there is one. zstd-jni unpacks the library
 * from its jar into a new temporary file on every start (900 KB inflated, written, mapped and deleted): 20-50 ms of
 * CPU, a tenth to a fifth of what applying a 10 MB patch costs beyond the JVM's start-up (measured: esbuild 0.23.1
 * to 0.24.0 with {@code -Xmx32m}, medians of 9-11 interleaved runs, 0.63 against 0.65 s CPU on a quiet machine,
 * 0.66 against 0.71 s on a busy one). The first load stores the library in
 * {@code ${XDG_CACHE_HOME:-~/.cache}/update/native/}, named after the jar it came from (its name, size and time),
 * so a new zstd-jni gets a new copy; later loads map that file. The copy is used only where no other user could have
 * changed it: the directory and the file owned by this process's user, written by no one else, neither a symbolic
 * link.
 * Anything else (no cache, an unwritable home, another operating system, a damaged copy) falls back to zstd-jni's
 * own unpacking, which is what a load without a cache did.
 */
final class ZstdLibrary {
    private ZstdLibrary() {}

    /** zstd-jni's own override: a library file it loads instead of unpacking one. */
    private static final String PATH_PROPERTY = "ZstdNativePath";
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    /** Loads the library; empty when it loaded, else why it did not. */
    static Optional<Throwable> load() {
        if (System.getProperty(PATH_PROPERTY) != null) {
            return loadAsZstdJniDoes(); // the user chose the file
        }
        Optional<Cache> cache = Cache.forThisJvm(System.getenv());
        boolean usable = cache.isPresent() && cache.get().usable();
        if (usable && loadFrom(cache.get().file())) {
            return Optional.empty();
        }
        Optional<Throwable> failure = loadAsZstdJniDoes();
        // Stored when missing, or again when the copy did not load (damaged); a copy that is not this user's
        // alone is left as it is, rather than written on every start.
        if (failure.isEmpty() && cache.isPresent()
                && (usable || !Files.exists(cache.get().file(), LinkOption.NOFOLLOW_LINKS))) {
            cache.get().store();
        }
        return failure;
    }

    private static boolean loadFrom(Path file) {
        System.setProperty(PATH_PROPERTY, file.toString());
        try {
            return loadAsZstdJniDoes().isEmpty(); // if not, a damaged copy: unpacked afresh, and stored again
        } finally {
            System.clearProperty(PATH_PROPERTY);
        }
    }

    private static Optional<Throwable> loadAsZstdJniDoes() {
        try {
            Native.load();
            return Native.isLoaded() ? Optional.empty()
                    : Optional.of(new UnsatisfiedLinkError("zstd-jni reports it is not loaded"));
        } catch (LinkageError | RuntimeException e) {
            return Optional.of(e);
        }
    }

    /**
     * Where the library of one zstd-jni jar is cached, and the resource in that jar it is copied from.
     *
     * @param file     the cached library
     * @param resource the library's resource name in zstd-jni's jar (as zstd-jni itself finds it)
     */
    record Cache(Path file, String resource) {
        Cache {
            if (!resource.startsWith("/")) {
                throw new IllegalArgumentException("resource name must be absolute: " + resource);
            }
        }

        /** The cache of this JVM's zstd-jni jar, on Linux, when there is a cache directory and a jar to name it. */
        static Optional<Cache> forThisJvm(Map<String, String> environment) {
            if (!"linux".equals(System.getProperty("os.name", "").toLowerCase(Locale.ROOT))) {
                return Optional.empty();
            }
            Optional<Path> root = cacheRoot(environment, System.getProperty("user.home", ""));
            Optional<Path> jar = jarOf(Native.class);
            return root.isPresent() && jar.isPresent()
                    ? forJar(root.get(), jar.get(), System.getProperty("os.arch", ""))
                    : Optional.empty();
        }

        /**
         * {@code $XDG_CACHE_HOME/update}, else {@code ~/.cache/update}; empty with neither (a relative
         * {@code XDG_CACHE_HOME} is ignored, as the XDG specification says).
         */
        static Optional<Path> cacheRoot(Map<String, String> environment, String home) {
            String xdg = environment.getOrDefault("XDG_CACHE_HOME", "");
            if (!xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
                return Optional.of(Path.of(xdg, "update"));
            }
            return !home.isEmpty() && Path.of(home).isAbsolute()
                    ? Optional.of(Path.of(home, ".cache", "update"))
                    : Optional.empty();
        }

        /**
         * The cache for a zstd-jni jar named {@code zstd-jni-VERSION.jar} (what Maven Central publishes; zstd-jni
         * names the library inside after the same version) on a Linux machine of architecture {@code arch}.
         */
        static Optional<Cache> forJar(Path cacheRoot, Path jar, String arch) {
            String name = jar.getFileName().toString();
            if (!name.matches("zstd-jni-[0-9A-Za-z.\\-]+\\.jar") || !arch.matches("[0-9A-Za-z_]+")) {
                return Optional.empty();
            }
            String library = "lib" + name.substring(0, name.length() - ".jar".length());
            try {
                long size = Files.size(jar);
                long time = Files.getLastModifiedTime(jar).toMillis();
                String cached = library + "-linux-" + arch + "-" + size + "-" + time + ".so";
                return Optional.of(new Cache(cacheRoot.resolve("native").resolve(cached),
                        "/linux/" + arch + "/" + library + ".so"));
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        /** Whether the cached file exists and no one but this user could have written it or its directory. */
        boolean usable() {
            return isPrivate(file.getParent(), true) && isPrivate(file, false);
        }

        private static boolean isPrivate(Path path, boolean directory) {
            try {
                // unix:uid and not the owner's name: a container's user may have no name (no passwd entry)
                Map<String, Object> attributes = Files.readAttributes(path, "unix:uid,mode",
                        LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) attributes.get("mode");
                int type = mode & FILE_TYPE;
                return type == (directory ? DIRECTORY : REGULAR_FILE)
                        && attributes.get("uid").equals(PROCESS_UID.orElse(null))
                        && (mode & (GROUP_WRITE | OTHERS_WRITE)) == 0;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /** This process's user: the owner of {@code /proc/self}. */
        private static final Optional<Object> PROCESS_UID = processUid();
        private static final int FILE_TYPE = 0170000;
        private static final int DIRECTORY = 0040000;
        private static final int REGULAR_FILE = 0100000;
        private static final int GROUP_WRITE = 0020;
        private static final int OTHERS_WRITE = 0002;

        private static Optional<Object> processUid() {
            try {
                return Optional.of(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        /** Copies the library from zstd-jni's jar into the cache; a failure only means there is no copy. */
        void store() {
            try (InputStream library = Native.class.getResourceAsStream(resource)) {
                if (library == null) {
                    return;
                }
                Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
                if (isPrivate(file.getParent(), true)) {
                    try (Durable.Pending copy = Durable.create(file, Durable.OWNER_ONLY)) {
                        library.transferTo(copy.stream());
                        copy.commit();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // read-only home, full disk, a directory someone else made: unpacked again next time
            }
        }

        private static Optional<Path> jarOf(Class<?> type) {
            try {
                CodeSource source = type.getProtectionDomain().getCodeSource();
                return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()));
            } catch (URISyntaxException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }
}
