package dev.updater.cli;

import dev.updater.registry.InvalidReferenceException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.remote.RegistryCredentials;
import dev.updater.schema.UntrustedText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;

/** Options shared by every command that talks to a store. */
public final class StoreOptions {
    @Option(names = "--plain-http",
            description = "Talk HTTP, not HTTPS, to the registry (for registries on loopback or a lab network).")
    boolean plainHttp;

    @Option(names = {"-u", "--username"}, paramLabel = "USER",
            description = "Registry user name; the password is read from standard input (--password-stdin).")
    String username;

    @Option(names = "--password-stdin",
            description = "Read the registry password (or token) from standard input. Otherwise credentials come "
                    + "from the docker config.json (DOCKER_CONFIG or ~/.docker) and its credential helpers.")
    boolean passwordStdin;

    public StoreReference parse(String reference) {
        return StoreReference.parse(reference);
    }

    /** Read once: a command that opens several stores must not read standard input twice. */
    private RegistryCredentials explicitCredentials;

    private ReleaseStores.Options options(StoreReference ref) {
        if (ref.kind() == StoreReference.Kind.LAYOUT) {
            // a layout is a directory: these would be ignored, and a script that passes them expects a registry
            String flag = plainHttp ? "--plain-http" : username != null ? "--username" : passwordStdin
                    ? "--password-stdin" : null;
            if (flag != null) {
                throw new UsageException(flag + " is for registries, but " + UntrustedText.quoteLong(ref.toString())
                        + " is an OCI layout directory (oci:PATH), which needs neither HTTP nor credentials;"
                        + " drop " + flag + ", or name a registry (HOST[:PORT]/REPOSITORY)");
            }
        }
        ReleaseStores.Options o = ReleaseStores.Options.defaults().withPlainHttp(plainHttp);
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
    private static String readPassword() {
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
