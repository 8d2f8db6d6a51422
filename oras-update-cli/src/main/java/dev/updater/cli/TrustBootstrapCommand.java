package dev.updater.cli;

import dev.updater.pull.PullOptions;
import dev.updater.schema.tuf.Metadata;
import dev.updater.schema.tuf.Root;
import dev.updater.tuf.DeviceTrust;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code update trust bootstrap}: the device side's first step, pinning the root it trusts. */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
        description = {"On a device: pin the first trusted TUF root of a release repository.",
            "",
            "From then on every 'update pull' with the same --install-root (or --state-dir, for pulls",
            "with --output) refreshes TUF trust from the release repository first and resolves the",
            "version or channel through the signed targets metadata, never through a tag. The root",
            "file comes from the publisher out of band (e.g. baked into the device image); it may be",
            "an old version: newer roots are fetched and checked one by one."},
        footerHeading = "%nExamples:%n",
        footer = {"  update trust bootstrap 1.root.json --install-root /opt/app",
            "  update trust bootstrap 1.root.json --state-dir /var/lib/update"})
final class TrustBootstrapCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ROOT.json", description = "The root metadata file to trust.")
    Path rootFile;

    static final class Where {
        @Option(names = "--install-root", paramLabel = "DIR", description = "Trust for pulls into this install root "
                + "(kept in DIR/.updater/tuf/).")
        Path installRoot;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "Trust for pulls with --output and this "
                + "--state-dir (kept in DIR/tuf/; default: the pull's default state directory).")
        Path stateDir;
    }

    @ArgGroup(exclusive = true)
    Where where;

    @Option(names = "--force", description = "Replace an already pinned root (and forget the trusted metadata).")
    boolean force;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        Path dir = trustDir(where == null ? null : where.installRoot, where == null ? null : where.stateDir);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(rootFile);
        } catch (IOException e) {
            throw new UsageException("cannot read root file " + rootFile + ": " + e.getMessage());
        }
        Metadata<Root> root = new DeviceTrust(dir, Clock.systemUTC()).bootstrap(bytes, force);
        var out = spec.commandLine().getOut();
        output.say(out, "pinned root version " + root.signed().version() + " in " + dir
                + "; pulls now resolve releases through TUF");
        com.fasterxml.jackson.databind.node.ObjectNode n = dev.updater.schema.Json.object();
        n.put("command", "trust bootstrap");
        n.put("rootVersion", root.signed().version());
        n.put("trustDir", dir.toAbsolutePath().toString());
        output.result(out, n);
        return ExitCode.OK;
    }

    /** The trust directory of an install root, or of a pull state directory (default one if neither is given). */
    static Path trustDir(Path installRoot, Path stateDir) {
        if (installRoot != null) return DeviceTrust.dirForInstallRoot(installRoot);
        return DeviceTrust.dirForStateDir(stateDir != null ? stateDir : PullOptions.defaultStateDir());
    }
}
