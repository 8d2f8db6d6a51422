package dev.updater.cli;

import dev.updater.registry.ReleaseStores;
import dev.updater.registry.remote.CredentialCheck;
import dev.updater.registry.remote.DockerConfigFile;
import dev.updater.registry.remote.RegistryCredentials;
import java.io.Console;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Check a user name and password (or token) against a registry, then store them in the "
                + "docker config file (--registry-config FILE, else $DOCKER_CONFIG/config.json or "
                + "~/.docker/config.json; other entries are kept, the file is 0600). Later commands use them "
                + "without --username.", ""},
        footerHeading = "%nExamples:%n",
        footer = {"  printf %%s \"$TOKEN\" | update login registry.example.com -u ci --password-stdin",
            "  update login localhost:5000 -u alice --plain-http        (prompts for the password on a terminal)"})
final class LoginCommand implements Callable<Integer> {
    /** HOST[:PORT] as in a reference: a login is for a whole registry, not a repository. */
    static final Pattern REGISTRY = Pattern.compile(
            "[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?|\\[[0-9a-fA-F:]+\\](?::[0-9]{1,5})?");

    @Spec
    CommandSpec spec;

    @Mixin
    RegistryOptions registryOptions;

    @Parameters(index = "0", paramLabel = "REGISTRY", description = "The registry: HOST[:PORT], no repository.")
    String registry;

    @Option(names = {"-u", "--username"}, paramLabel = "USER",
            description = "User name (prompted for on a terminal when missing).")
    String username;

    @Option(names = "--password-stdin",
            description = "Read the password (or token) from standard input; otherwise it is prompted for on a "
                    + "terminal, never taken from an argument.")
    boolean passwordStdin;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        String server = checkedRegistry(registry);
        Console console = System.console();
        String user = username != null ? username : prompt(console);
        if (user.isBlank()) throw new UsageException("--username is empty");
        String password = passwordStdin ? StoreOptions.readPassword() : promptPassword(console);
        DockerConfigFile file = new DockerConfigFile(registryOptions.credentialsFile());
        ReleaseStores.Options options = registryOptions.apply(ReleaseStores.Options.defaults())
                .withCredentials(RegistryCredentials.explicit(user, password));
        // The registry's verdict first: wrong credentials must not replace working ones in the file.
        new CredentialCheck(ReleaseStores.http(server, options)).run();
        file.store(server, user, password);
        var out = spec.commandLine().getOut();
        output.say(out, "Logged in to " + server + " as '" + user + "'; credentials stored in " + file.path());
        com.fasterxml.jackson.databind.node.ObjectNode n = dev.updater.schema.Json.object();
        n.put("registry", server);
        n.put("username", user);
        n.put("configFile", file.path().toAbsolutePath().toString());
        output.result(out, n);
        return ExitCode.OK;
    }

    static String checkedRegistry(String registry) {
        if (registry.startsWith("oci:")) {
            throw new UsageException("'" + registry + "' is an OCI layout directory, which needs no login; name a "
                    + "registry (HOST[:PORT])");
        }
        if (!REGISTRY.matcher(registry).matches()) {
            throw new UsageException("'" + registry + "' is not a registry host: give HOST[:PORT], e.g. "
                    + "registry.example.com or localhost:5000, without https:// or a repository path");
        }
        return registry;
    }

    private static String prompt(Console console) {
        if (console == null) {
            throw new UsageException("no --username, and standard input is not a terminal to ask on; pass "
                    + "--username USER");
        }
        String line = console.readLine("Username: ");
        if (line == null) throw new UsageException("no user name was entered");
        return line.strip();
    }

    private static String promptPassword(Console console) {
        if (console == null) {
            throw new UsageException("standard input is not a terminal to ask for the password on; pipe it in "
                    + "with --password-stdin, e.g. 'printf %s \"$TOKEN\" | update login REGISTRY -u USER "
                    + "--password-stdin'");
        }
        char[] typed = console.readPassword("Password: ");
        if (typed == null || typed.length == 0) throw new UsageException("no password was entered");
        return new String(typed);
    }
}
