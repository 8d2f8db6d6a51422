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
 * Where credentials for a registry come from, in order: explicit ones ({@code --username}/{@code --password-stdin}),
 * then the docker {@code config.json} ({@code DOCKER_CONFIG} or {@code ~/.docker}: {@code auths}, {@code credHelpers},
 * {@code credsStore}) through Jib Core. {@link #lookedIn()} describes the places for error messages; secrets never
 * leave this class except inside the {@link Credential} that becomes the Authorization header.
 */
public final class RegistryCredentials {
    private final Optional<Credential> explicit;
    private final Map<String, String> environment;
    private final List<String> lookedIn = new ArrayList<>();

    private RegistryCredentials(Optional<Credential> explicit, Map<String, String> environment) {
        this.explicit = explicit;
        this.environment = Map.copyOf(environment);
    }

    /** The docker config of this process's environment ({@code DOCKER_CONFIG} or {@code ~/.docker}). */
    public static RegistryCredentials fromEnvironment() {
        return new RegistryCredentials(Optional.empty(), System.getenv());
    }

    /** The docker config of another environment: {@code DOCKER_CONFIG} and what credential helpers see. */
    public static RegistryCredentials fromEnvironment(Map<String, String> environment) {
        return new RegistryCredentials(Optional.empty(), environment);
    }

    /** {@code --username} and {@code --password-stdin}: the docker config is not consulted. */
    public static RegistryCredentials explicit(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.isEmpty()) throw new IllegalArgumentException("empty user name");
        return new RegistryCredentials(Optional.of(Credential.from(username, password)), System.getenv());
    }

    public static RegistryCredentials anonymous() {
        return new RegistryCredentials(Optional.empty(), Map.of("DOCKER_CONFIG", "/nonexistent"));
    }

    /** The basic credentials for {@code registry}, if any place knows them. */
    public synchronized Optional<Credential> forRegistry(String registry) {
        lookedIn.clear();
        if (explicit.isPresent()) {
            lookedIn.add("--username/--password-stdin (user '" + explicit.get().getUsername() + "')");
            return explicit;
        }
        Path configDir = environment.containsKey("DOCKER_CONFIG") ? Path.of(environment.get("DOCKER_CONFIG"))
                : Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")), ".docker"); // as docker: $HOME
        Path config = configDir.resolve("config.json");
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
