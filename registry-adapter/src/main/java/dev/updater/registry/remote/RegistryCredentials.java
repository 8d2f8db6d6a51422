package dev.updater.registry.remote;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where credentials for a registry come from, in order: explicit ones ({@code --username}/{@code --password-stdin});
 * else one named config file ({@code --registry-config FILE}, as oras has), which replaces the lookup; else the first
 * of these files that has an entry for the registry: the docker {@code config.json} ({@code DOCKER_CONFIG} or
 * {@code ~/.docker}), then podman's and skopeo's {@code auth.json} ({@code REGISTRY_AUTH_FILE},
 * {@code $XDG_RUNTIME_DIR/containers/auth.json}, {@code ~/.config/containers/auth.json}). Docker's file comes first
 * because {@code update login} and {@code docker login} write it. Each file is read by Jib Core ({@code auths},
 * {@code credHelpers}, {@code credsStore}; auth.json has the same format). {@link #lookedIn()} describes the places
 * for error messages; secrets never leave this class except inside the {@link Credential} that becomes the
 * Authorization header.
 */
public final class RegistryCredentials {
    private final Optional<Credential> explicit;
    private final Optional<Path> configFile;
    private final Map<String, String> environment;
    private final List<String> lookedIn = new ArrayList<>();

    private RegistryCredentials(Optional<Credential> explicit, Optional<Path> configFile,
            Map<String, String> environment) {
        this.explicit = explicit;
        this.configFile = configFile;
        this.environment = Map.copyOf(environment);
    }

    /** The config files of this process's environment (see the class comment for the order). */
    public static RegistryCredentials fromEnvironment() {
        return new RegistryCredentials(Optional.empty(), Optional.empty(), System.getenv());
    }

    /** The config files of another environment: {@code DOCKER_CONFIG}, {@code REGISTRY_AUTH_FILE}, ... */
    public static RegistryCredentials fromEnvironment(Map<String, String> environment) {
        return new RegistryCredentials(Optional.empty(), Optional.empty(), environment);
    }

    /** {@code --registry-config FILE}: only this file (docker config.json format) is read. */
    public static RegistryCredentials fromConfigFile(Path file) {
        return new RegistryCredentials(Optional.empty(), Optional.of(file), System.getenv());
    }

    /** {@code --username} and {@code --password-stdin}: no config file is consulted. */
    public static RegistryCredentials explicit(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.isEmpty()) throw new IllegalArgumentException("empty user name");
        return new RegistryCredentials(Optional.of(Credential.from(username, password)), Optional.empty(),
                System.getenv());
    }

    public static RegistryCredentials anonymous() {
        return new RegistryCredentials(Optional.empty(), Optional.empty(), Map.of("DOCKER_CONFIG", "/nonexistent",
                "REGISTRY_AUTH_FILE", "/nonexistent/auth.json", "XDG_RUNTIME_DIR", "/nonexistent",
                "HOME", "/nonexistent"));
    }

    /**
     * The docker config file that {@code update login} writes for this environment: {@code --registry-config} if
     * given, else {@code $DOCKER_CONFIG/config.json} or {@code ~/.docker/config.json}.
     */
    public Path loginFile() {
        return configFile.orElseGet(this::dockerConfig);
    }

    private Path dockerConfig() {
        Path dir = environment.containsKey("DOCKER_CONFIG") ? Path.of(environment.get("DOCKER_CONFIG"))
                : home().resolve(".docker");
        return dir.resolve("config.json");
    }

    private Path home() {
        return Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")));
    }

    /** The files to read, in order; the first with an entry for the registry wins. */
    private List<Path> configFiles() {
        if (configFile.isPresent()) return List.of(configFile.get());
        List<Path> files = new ArrayList<>();
        files.add(dockerConfig());
        String authFile = environment.get("REGISTRY_AUTH_FILE");
        if (authFile != null && !authFile.isEmpty()) files.add(Path.of(authFile));
        String runtime = environment.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty()) files.add(Path.of(runtime, "containers", "auth.json"));
        files.add(home().resolve(".config/containers/auth.json"));
        return files;
    }

    /** The basic credentials for {@code registry}, if any place knows them. */
    public synchronized Optional<Credential> forRegistry(String registry) {
        lookedIn.clear();
        if (explicit.isPresent()) {
            lookedIn.add("--username/--password-stdin (user '" + explicit.get().getUsername() + "')");
            return explicit;
        }
        for (Path file : configFiles()) {
            Optional<Credential> found = fromFile(file, registry);
            if (found.isPresent()) return found;
        }
        return Optional.empty();
    }

    private Optional<Credential> fromFile(Path config, String registry) {
        if (!Files.isRegularFile(config)) {
            lookedIn.add(config + " (no such file)");
            return Optional.empty();
        }
        List<String> notes = new ArrayList<>();
        try {
            CredentialRetrieverFactory factory = CredentialRetrieverFactory.forImage(
                    ImageReference.of(registry, "library/any", null), event -> notes.add(describe(event)),
                    environment);
            Optional<Credential> found = factory.dockerConfig(config).retrieve();
            String detail = notes.stream().filter(n -> !n.isEmpty()).reduce((a, b) -> a + "; " + b).orElse("");
            if (found.isPresent()) {
                lookedIn.add(config + " (" + (detail.isEmpty() ? "entry for " + registry : detail) + ", "
                        + (found.get().isOAuth2RefreshToken() ? "an identity token"
                                : "user '" + found.get().getUsername() + "'") + ")");
            } else {
                lookedIn.add(config + " (" + (detail.isEmpty() ? "no entry for " + registry : detail) + ")");
            }
            return found;
        } catch (Exception e) {
            // A broken helper or config must not hide the registry's own answer; the 401 message lists where we looked.
            lookedIn.add(config + " (reading it failed: " + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
    }

    /**
     * Jib's notes say which helper or section it used. Only the first line is kept: a failing credential helper's
     * output follows on later lines and is not ours to repeat.
     */
    private static String describe(LogEvent event) {
        if (event.getLevel() != LogEvent.Level.INFO && event.getLevel() != LogEvent.Level.WARN) return "";
        String message = event.getMessage().strip();
        int newline = message.indexOf('\n');
        String first = newline < 0 ? message : message.substring(0, newline);
        if (first.startsWith("Caused by")) return "";
        if (first.startsWith("trying ") && first.contains(" for ")) {
            return "credential helper " + first.substring("trying ".length(), first.lastIndexOf(" for "));
        }
        return first.length() > 200 ? first.substring(0, 200) + "…" : first;
    }

    /** Where the last {@link #forRegistry} call looked, for messages. */
    public synchronized List<String> lookedIn() {
        return List.copyOf(lookedIn);
    }
}
