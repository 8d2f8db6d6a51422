package dev.updater.registry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.stream.Collectors;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/** An htpasswd file with bcrypt lines (the only kind distribution accepts) and the registry config using it. */
public final class Htpasswd {
    private Htpasswd() {}

    /** Writes {@code users} (name to password) to {@code dir/htpasswd}; returns the {@code auth:} YAML section. */
    public static String registryConfig(Path dir, Map<String, String> users) {
        SecureRandom random = new SecureRandom();
        String lines = users.entrySet().stream().map(e -> {
            byte[] salt = new byte[16];
            random.nextBytes(salt);
            // Cost 5 keeps each of the registry's per-request checks fast; real files use 10 or more.
            return e.getKey() + ":" + OpenBSDBCrypt.generate("2y", e.getValue().toCharArray(), salt, 5);
        }).collect(Collectors.joining("\n", "", "\n"));
        Path file = dir.resolve("htpasswd");
        try {
            Files.writeString(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "auth:\n  htpasswd:\n    realm: test-realm\n    path: " + file + "\n";
    }
}
