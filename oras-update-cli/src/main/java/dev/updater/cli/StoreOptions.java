package dev.updater.cli;

import dev.updater.registry.InvalidReferenceException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.remote.RegistryCredentials;
import dev.updater.registry.remote.RetryPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by every command that talks to a store: how to reach the registry, and explicit credentials. */
public final class StoreOptions {
    @Mixin
    RegistryOptions registry;

    @Option(names = {"-u", "--username"}, paramLabel = "USER",
            description = "Registry user name; the password is read from standard input (--password-stdin).")
    String username;

    @Option(names = "--password-stdin",
            description = "Read the registry password (or token) from standard input. Otherwise credentials come "
                    + "from the config files (see --registry-config) and their credential helpers.")
    boolean passwordStdin;

    public StoreReference parse(String reference) {
        return StoreReference.parse(reference);
    }

    /** The transport's one retry policy; {@code pull --retries N} changes its attempts. */
    private RetryPolicy retry = RetryPolicy.DEFAULT;

    void useRetryPolicy(RetryPolicy policy) {
        this.retry = policy;
    }

    /** Read once: a command that opens several stores must not read standard input twice. */
    private RegistryCredentials explicitCredentials;

    private ReleaseStores.Options options(StoreReference ref) {
        // a layout is a directory: these would be ignored, and a script that passes them expects a registry
        RegistryOptions.refuseForLayout(ref, registry.registryOnlyFlag().or(() -> Optional.ofNullable(
                username != null ? "--username" : passwordStdin ? "--password-stdin" : null)));
        if (registry.registryConfig != null) {
            if (username != null || passwordStdin) {
                throw new UsageException("--username/--password-stdin and --registry-config both say where the "
                        + "credentials come from; give one of them");
            }
            if (!Files.isRegularFile(registry.registryConfig)) {
                throw new UsageException("--registry-config " + registry.registryConfig + ": no such file (update "
                        + "login --registry-config FILE REGISTRY creates it)");
            }
        }
        ReleaseStores.Options o = registry.apply(ReleaseStores.Options.defaults()).withRetry(retry);
        if (username != null || passwordStdin) {
            if (username == null || !passwordStdin) {
                throw new UsageException("--username and --password-stdin go together");
            }
            if (username.isBlank()) {
                throw new UsageException("--username is empty");
            }
            if (explicitCredentials == null) {
                explicitCredentials = RegistryCredentials.explicit(username, readPassword());
            }
            o = o.withCredentials(explicitCredentials);
        }
        return o;
    }

    /** Like {@code docker login --password-stdin}: only the line ending is removed, spaces belong to the password. */
    static String readPassword() {
        String password;
        try {
            password = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("cannot read the password from standard input", e);
        }
        if (password.endsWith("\n")) password = password.substring(0, password.length() - 1);
        if (password.endsWith("\r")) password = password.substring(0, password.length() - 1);
        if (password.isEmpty()) {
            throw new UsageException("--password-stdin read an empty password; pipe it in, e.g. "
                    + "'printf %s \"$TOKEN\" | update push --username USER --password-stdin ...'");
        }
        return password;
    }

    public ReleaseStore open(StoreReference ref) {
        return ReleaseStores.open(ref, options(ref));
    }

    public ReleaseStore openForPush(StoreReference ref) {
        return ReleaseStores.openForPush(ref, options(ref));
    }

    /** For publishing with cross-repository mounts: blobs missing in {@code ref} are mounted from that repository. */
    public ReleaseStore openForPush(StoreReference ref, java.util.Optional<String> mountFrom) {
        return ReleaseStores.openForPush(ref, options(ref).withMountFrom(mountFrom));
    }

    /** A reference that must name a manifest (tag or digest). */
    public static String manifestOf(StoreReference ref, String original) {
        return ref.manifestReference().orElseThrow(() -> new InvalidReferenceException(original,
                "name a release: add :TAG (a version or channel) or @sha256:DIGEST"));
    }
}
