package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.install.Installer;
import dev.updater.install.RollbackResult;
import dev.updater.schema.Json;
import dev.updater.schema.SemVer;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {
            "Switch an install root back to an earlier version kept on disk (a snapshot).",
            "",
            "Without --to it returns to the version the last install replaced; run it again to go one further "
                    + "back. The snapshot's files are re-hashed first; then 'current' is switched atomically and a "
                    + "line with the time, both versions and both SHA-256 digests is appended to "
                    + ".updater/logs/rollback.log. No snapshot to return to exits with code 7; a snapshot whose "
                    + "files changed exits with code 4.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {"  update rollback --install-root /opt/app",
            "  update rollback --install-root /opt/app --to 1.3.0 --json",
            "  update status --install-root /opt/app     # lists the snapshots"})
final class RollbackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    InstallRootOptions root;

    @Mixin
    InstallPolicyOptions policy;

    @Option(names = "--to", paramLabel = "VERSION", description = "The snapshot to return to (default: the previous "
            + "version).")
    String to;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        Optional<SemVer> target = Optional.ofNullable(to).map(RollbackCommand::version);
        PrintWriter out = spec.commandLine().getOut();
        try (Installer installer = Installer.open(root.requireRoot(), policy.options(output.json(), out))) {
            installer.recoveryReport().ifPresent(r -> spec.commandLine().getErr().println("update: recovered: " + r));
            RollbackResult result = installer.rollback(target);
            if (output.json() || !output.quiet()) print(out, result, output.json());
        }
        return ExitCode.OK;
    }

    static void print(PrintWriter out, RollbackResult result, boolean json) {
        if (json) {
            ObjectNode n = Json.object();
            n.put("result", "rolled-back");
            n.put("fromVersion", result.fromVersion().toString());
            result.fromDigest().ifPresent(d -> n.put("fromDigest", d.toString()));
            n.put("toVersion", result.toVersion().toString());
            n.put("toDigest", result.toDigest().toString());
            n.put("time", result.time().toString());
            JsonOutput.print(out, n);
        } else {
            out.println("Rolled back from " + result.fromVersion() + " to " + result.toVersion() + " ("
                    + result.toDigest().shortForm() + ")");
        }
    }

    static SemVer version(String text) {
        if (!SemVer.isValid(text)) {
            throw new UsageException("'" + text + "' is not a semantic version, e.g. 1.4.2 or 2.0.0-rc.1");
        }
        return SemVer.parse(text);
    }
}
