package dev.updater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreReference;
import dev.updater.release.Release;
import dev.updater.release.ReleaseReader;
import dev.updater.schema.Json;
import dev.updater.schema.TargetPayload;
import dev.updater.schema.UntrustedText;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a release: digest, product, version, channels, and each target's payload and patches.",
        footerHeading = "%nExamples:%n",
        footer = {"  update inspect oci:./releases:stable", "  update inspect localhost:5000/acme/app:1.0.0 --plain-http --json"})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "REF", description = "The release (a tag or a digest).")
    String reference;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        StoreReference ref = store.parse(reference);
        Release release;
        try (ReleaseStore s = store.open(ref)) {
            release = ReleaseReader.read(s, StoreOptions.manifestOf(ref, reference));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            ObjectNode n = Json.object();
            n.put("reference", ref.storeName() + "@" + release.digest());
            n.put("digest", release.digest().toString());
            JsonNode update = Json.parse(release.update().toBytes(), "update manifest");
            n.set("updateManifest", update);
            ObjectNode a = n.putObject("annotations");
            release.manifest().annotations().forEach(a::put);
            JsonOutput.print(out, n);
            return ExitCode.OK;
        }
        var u = release.update();
        out.println("Release   " + ref.storeName() + "@" + release.digest());
        out.println("Product   " + u.product());
        out.println("Version   " + u.version());
        out.println("Created   " + u.created());
        out.println("Channels  " + (u.channels().isEmpty() ? "(none)" : String.join(", ", u.channels())));
        out.println("Update id " + u.updateId());
        // annotations and media types are free text from the store: escaped, so they cannot drive the terminal
        new java.util.TreeMap<>(release.manifest().annotations()).forEach((k, v) -> out.println("  "
                + UntrustedText.escapeAll(k) + " = " + UntrustedText.escapeAll(v)));
        out.println("Targets:");
        for (Map.Entry<String, TargetPayload> t : u.sortedTargets().entrySet()) {
            TargetPayload p = t.getValue();
            out.printf("  %-20s %s  %,d bytes  %s (mode %s)%n", t.getKey(), p.digest(), p.size(), p.fileName(),
                    p.fileModeOctal());
            p.patches().forEach(patch -> out.printf("  %-20s   patch from %s: %,d bytes (%s)%n", "",
                    patch.fromVersion(), patch.size(), UntrustedText.escapeAll(patch.mediaType())));
        }
        return ExitCode.OK;
    }
}
