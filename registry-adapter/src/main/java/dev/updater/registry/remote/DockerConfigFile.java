package dev.updater.registry.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.LocalFileException;
import dev.updater.registry.RegistryConfigException;
import dev.updater.schema.Json;
import dev.updater.schema.ManifestFormatException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The {@code auths} section of a docker {@code config.json}, as {@code docker login}/{@code logout} change it:
 * {@code "auths": {"HOST[:PORT]": {"auth": base64(user:password)}}}. Every other entry and key (credential helpers,
 * proxies, other registries) is kept as it was. The file is replaced atomically (a reader sees the old or the new
 * file, never half of one) and is readable by its owner only (0600), like docker's.
 */
public final class DockerConfigFile {
    private static final int MAX_BYTES = 4 << 20;
    private final Path file;

    public DockerConfigFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** Records {@code username}/{@code password} for {@code registry}, replacing any entry it had. */
    public void store(String registry, String username, String password) {
        ObjectNode config = read();
        removeEntries(auths(config), registry);
        ObjectNode entry = auths(config).putObject(registry);
        entry.put("auth", Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8)));
        write(config);
    }

    /**
     * Removes every entry for {@code registry} (also ones written as {@code https://HOST/v1/}, as old docker
     * versions did); false if there was none, and then the file is not touched.
     */
    public boolean remove(String registry) {
        if (!Files.exists(file)) return false;
        ObjectNode config = read();
        if (!(config.get("auths") instanceof ObjectNode auths) || removeEntries(auths, registry).isEmpty()) {
            return false;
        }
        write(config);
        return true;
    }

    private static ObjectNode auths(ObjectNode config) {
        JsonNode auths = config.get("auths");
        return auths instanceof ObjectNode o ? o : config.putObject("auths");
    }

    private static List<String> removeEntries(ObjectNode auths, String registry) {
        List<String> removed = new ArrayList<>();
        for (Iterator<String> names = auths.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (hostOf(name).equalsIgnoreCase(registry)) removed.add(name);
        }
        removed.forEach(auths::remove);
        return removed;
    }

    /** The {@code HOST[:PORT]} of an {@code auths} key, which may be a URL ({@code https://host/v1/}). */
    private static String hostOf(String key) {
        String k = key.trim();
        if (k.contains("://")) {
            try {
                URI uri = URI.create(k);
                if (uri.getRawAuthority() != null) return uri.getRawAuthority();
            } catch (IllegalArgumentException e) {
                return k;
            }
        }
        int slash = k.indexOf('/');
        return (slash < 0 ? k : k.substring(0, slash)).toLowerCase(Locale.ROOT);
    }

    private ObjectNode read() {
        if (!Files.exists(file)) return Json.object();
        if (!Files.isRegularFile(file)) {
            throw new RegistryConfigException(file + " is not a regular file; cannot record credentials in it. "
                    + "Name a file with --registry-config.");
        }
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new RegistryConfigException(file + " is larger than 4 MiB; that is not a docker config file."
                        + " It was left as it is.");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new LocalFileException("cannot read " + file, e);
        }
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) return Json.object();
        JsonNode node;
        try {
            node = Json.parse(bytes, file.toString());
        } catch (ManifestFormatException e) {
            throw new RegistryConfigException(file + " is not valid JSON, so it cannot be updated without losing "
                    + "what it holds; repair it (or move it away) and log in again", e);
        }
        if (!(node instanceof ObjectNode config)) {
            throw new RegistryConfigException(file + " is not a JSON object, as a docker config file is; repair it "
                    + "(or move it away) and log in again");
        }
        if (config.has("auths") && !config.get("auths").isObject()) {
            throw new RegistryConfigException(file + ": \"auths\" is not an object; repair it (or move it away) and "
                    + "log in again");
        }
        return config;
    }

    /** Writes a 0600 temporary file next to the target, syncs it, renames it over the target, syncs the directory. */
    private void write(ObjectNode config) {
        Path target = file;
        try {
            if (Files.isSymbolicLink(target)) target = target.toRealPath(); // keep a linked config a link
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir, ownerOnly("rwx------"));
            byte[] bytes = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(config);
            Path temporary = Files.createTempFile(dir, ".config-", ".json.tmp", ownerOnly("rw-------"));
            try {
                try (FileChannel ch = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining()) ch.write(buffer);
                    ch.force(true);
                }
                try {
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // some file systems cannot sync a directory; the rename itself has happened
            }
        } catch (IOException e) {
            throw new LocalFileException("cannot write " + target, e);
        }
    }

    private static FileAttribute<?>[] ownerOnly(String permissions) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) return new FileAttribute<?>[0];
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                permissions))};
    }
}
