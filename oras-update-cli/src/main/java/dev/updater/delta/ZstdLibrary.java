package dev.updater.delta;

import com.github.luben.zstd.util.Native;
import dev.updater.registry.io.Durable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
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
 * changed it: the directory and the file owned by this user, written by no one else, neither a symbolic link.
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
        if (cache.filter(Cache::usable).isPresent() && loadFrom(cache.get().file())) {
            return Optional.empty();
        }
        Optional<Throwable> failure = loadAsZstdJniDoes();
        if (failure.isEmpty()) {
            cache.ifPresent(Cache::store);
        }
        return failure;
    }

    private static boolean loadFrom(Path file) {
        System.setProperty(PATH_PROPERTY, file.toString());
        try {
            Native.load();
            return Native.isLoaded();
        } catch (LinkageError | RuntimeException e) {
            return false; // a damaged copy: unpacked afresh, and stored again
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
                PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                Set<PosixFilePermission> permissions = attributes.permissions();
                return (directory ? attributes.isDirectory() : attributes.isRegularFile())
                        && attributes.owner().getName().equals(System.getProperty("user.name"))
                        && !permissions.contains(PosixFilePermission.GROUP_WRITE)
                        && !permissions.contains(PosixFilePermission.OTHERS_WRITE);
            } catch (IOException | UnsupportedOperationException e) {
                return false;
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
