package dev.updater.registry.remote;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where credentials for a registry come from, in order: explicit ones ({@code --username}/{@code --password-stdin}),
 * then the docker {@code config.json} ({@code DOCKER_CONFIG} or {@code ~/.docker}: {@code auths}, {@code credHelpers},
 * {@code credsStore}) through Jib Core. {@link #lookedIn()} lists the places for error messages; secrets never leave
 * this class except in the Authorization header.
 */
public final class RegistryCredentials {
    private final Optional<Credential> explicit;
    private final Map<String, String> environment;
    private final List<String> lookedIn = new ArrayList<>();

    private RegistryCredentials(Optional<Credential> explicit, Map<String, String> environment) {
        this.explicit = explicit;
        this.environment = environment;
    }

    public static RegistryCredentials fromEnvironment() {
        return new RegistryCredentials(Optional.empty(), System.getenv());
    }

    public static RegistryCredentials explicit(String username, String password) {
        return new RegistryCredentials(Optional.of(Credential.from(username, password)), System.getenv());
    }

    public static RegistryCredentials anonymous() {
        return new RegistryCredentials(Optional.empty(), Map.of("DOCKER_CONFIG", "/nonexistent"));
    }

    /** The basic credentials for {@code registry}, if any place knows them. */
    public synchronized Optional<Credential> forRegistry(String registry) {
        lookedIn.clear();
        if (explicit.isPresent()) {
            lookedIn.add("--username/--password-stdin");
            return explicit;
        }
        Path configDir = environment.containsKey("DOCKER_CONFIG") ? Path.of(environment.get("DOCKER_CONFIG"))
                : Path.of(System.getProperty("user.home"), ".docker");
        Path config = configDir.resolve("config.json");
        lookedIn.add(config.toString());
        try {
            CredentialRetrieverFactory factory = CredentialRetrieverFactory.forImage(
                    ImageReference.of(registry, "library/any", null), event -> { }, environment);
            List<CredentialRetriever> retrievers = List.of(factory.dockerConfig(config));
            for (CredentialRetriever r : retrievers) {
                Optional<Credential> c = r.retrieve();
                if (c.isPresent()) return c;
            }
        } catch (Exception e) {
            // A broken helper or config must not hide the registry's own answer; the 401 message lists where we looked.
            lookedIn.add("(reading it failed: " + e.getClass().getSimpleName() + ")");
        }
        return Optional.empty();
    }

    public synchronized List<String> lookedIn() {
        return List.copyOf(lookedIn);
    }
}
