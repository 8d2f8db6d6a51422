package dev.updater.cli;

import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.remote.RegistryCredentials;
import dev.updater.registry.remote.RegistryTls;
import dev.updater.schema.UntrustedText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How to reach a registry, shared by every command that talks to one (and by {@code login}): HTTP or HTTPS, which
 * certificates to trust, and which credentials file to read. All of it is meaningless for an OCI layout directory,
 * so naming a layout with any of these flags is a usage error rather than a flag silently ignored.
 */
public final class RegistryOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--plain-http",
            description = "Talk HTTP, not HTTPS, to the registry (for registries on loopback or a lab network).")
    boolean plainHttp;

    @Option(names = "--ca-file", paramLabel = "PEM",
            description = "Also trust the CA certificate(s) in this PEM file for the registry's TLS certificate, "
                    + "besides the JVM's trust store (a private CA or a self-signed registry). Repeatable.")
    List<Path> caFiles = new ArrayList<>();

    @Option(names = "--insecure",
            description = "Use TLS without checking the registry's certificate or host name (a lab registry "
                    + "whose certificate cannot be fixed). Prints a warning; prefer --ca-file.")
    boolean insecure;

    @Option(names = "--registry-config", paramLabel = "FILE",
            description = "Read registry credentials from this docker config.json-format file only (login and "
                    + "logout write it). Otherwise: $DOCKER_CONFIG/config.json or ~/.docker/config.json, then "
                    + "$REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json.")
    Path registryConfig;

    private RegistryTls tls;
    private boolean warned;

    /** The registry flags given, for the message refusing them with a layout. */
    Optional<String> registryOnlyFlag() {
        if (plainHttp) return Optional.of("--plain-http");
        if (!caFiles.isEmpty()) return Optional.of("--ca-file");
        if (insecure) return Optional.of("--insecure");
        if (registryConfig != null) return Optional.of("--registry-config");
        return Optional.empty();
    }

    /** Refuses these flags for an OCI layout: a script that passes them expects a registry. */
    static void refuseForLayout(StoreReference ref, Optional<String> flag) {
        if (ref.kind() != StoreReference.Kind.LAYOUT || flag.isEmpty()) return;
        String f = flag.get();
        throw new UsageException(f + " is for registries, but " + UntrustedText.quoteLong(ref.toString())
                + " is an OCI layout directory (oci:PATH), which needs neither HTTP, TLS nor credentials;"
                + " drop " + f + ", or name a registry (HOST[:PORT]/REPOSITORY)");
    }

    /** {@code base} with these flags applied: scheme, TLS trust, and {@code --registry-config} as credentials. */
    ReleaseStores.Options apply(ReleaseStores.Options base) {
        ReleaseStores.Options o = base.withPlainHttp(plainHttp).withTls(tls());
        return registryConfig == null ? o : o.withCredentials(RegistryCredentials.fromConfigFile(registryConfig));
    }

    /** Where {@code login} and {@code logout} write: {@code --registry-config}, else the docker config. */
    Path credentialsFile() {
        return registryConfig != null ? registryConfig : RegistryCredentials.fromEnvironment().loginFile();
    }

    private RegistryTls tls() {
        if (tls != null) return tls;
        if (plainHttp && (insecure || !caFiles.isEmpty())) {
            throw new UsageException("--plain-http talks HTTP without TLS, so " + (insecure ? "--insecure"
                    : "--ca-file") + " (about TLS certificates) would be ignored; give one of them");
        }
        if (insecure && !caFiles.isEmpty()) {
            throw new UsageException("--insecure checks no certificate, so --ca-file would be ignored; give one of "
                    + "them (--ca-file keeps the connection verified)");
        }
        if (insecure) {
            warnOnce();
            tls = RegistryTls.insecure();
        } else {
            tls = RegistryTls.trusting(caFiles);
        }
        return tls;
    }

    private void warnOnce() {
        if (warned) return;
        warned = true;
        mixee.commandLine().getErr().println("update: warning: --insecure: the registry's TLS certificate and host "
                + "name are not checked; anyone on the network path can read and change this connection, "
                + "credentials included");
    }
}
