package dev.updater.cli;

import dev.updater.registry.remote.DockerConfigFile;
import dev.updater.registry.remote.RegistryCredentials;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "logout", mixinStandardHelpOptions = true,
        description = {"Remove a registry's credentials from the docker config file (--registry-config FILE, else "
                + "$DOCKER_CONFIG/config.json or ~/.docker/config.json); other entries are kept. Credential "
                + "helpers are not asked to forget anything.", ""},
        footerHeading = "%nExamples:%n",
        footer = {"  update logout registry.example.com"})
final class LogoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REGISTRY", description = "The registry: HOST[:PORT].")
    String registry;

    @Option(names = "--registry-config", paramLabel = "FILE",
            description = "The docker config.json-format file to change (as login --registry-config wrote it).")
    Path registryConfig;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        String server = LoginCommand.checkedRegistry(registry);
        DockerConfigFile file = new DockerConfigFile(registryConfig != null ? registryConfig
                : RegistryCredentials.fromEnvironment().loginFile());
        boolean removed = file.remove(server);
        var out = spec.commandLine().getOut();
        if (removed) {
            output.say(out, "Removed the credentials for " + server + " from " + file.path());
        } else if (!output.quiet()) {
            // As docker logout: being logged out already is the state asked for, not a failure.
            spec.commandLine().getErr().println("update: not logged in to " + server + " (no entry in "
                    + file.path() + ")");
        }
        com.fasterxml.jackson.databind.node.ObjectNode n = dev.updater.schema.Json.object();
        n.put("registry", server);
        n.put("removed", removed);
        n.put("configFile", file.path().toAbsolutePath().toString());
        output.result(out, n);
        return ExitCode.OK;
    }
}
