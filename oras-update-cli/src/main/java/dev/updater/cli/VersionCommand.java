package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Json;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "version", description = "Print this tool's version, the commit it was built from, and its build time.",
        mixinStandardHelpOptions = true)
final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        BuildInfo info = new BuildInfo();
        if (output.json()) {
            ObjectNode n = Json.object();
            n.put("version", info.version());
            n.put("commit", info.commit());
            n.put("buildTime", info.buildTime());
            JsonOutput.print(spec.commandLine().getOut(), n);
        } else {
            spec.commandLine().getOut().println(info.getVersion()[0]);
        }
        return ExitCode.OK;
    }
}
