package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreReference;
import dev.updater.schema.Json;
import dev.updater.schema.RepositoryTags;
import dev.updater.schema.SemVer;
import dev.updater.schema.UpdateManifest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "versions", mixinStandardHelpOptions = true,
        description = {"List the published versions of a repository, oldest first in semver order (prereleases "
                + "before their release), then the channel tags.", ""},
        footerHeading = "%nExamples:%n",
        footer = {"  update versions oci:./releases", "  update versions localhost:5000/acme/app --plain-http --json"})
final class VersionsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "REPOSITORY", description = "host[:port]/repo or oci:PATH.")
    String reference;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        StoreReference ref = store.parse(reference);
        List<String> tags;
        try (ReleaseStore s = store.open(ref)) {
            tags = s.listTags();
            // a damaged entry of a layout's index hides only its own tag; say so rather than list it silently short
            for (String problem : s.damagedEntries()) {
                if (!output.quiet()) spec.commandLine().getErr().println("update: warning: skipped " + problem);
            }
        }
        List<SemVer> versions = new ArrayList<>();
        List<String> channels = new ArrayList<>();
        for (String tag : tags) {
            switch (RepositoryTags.kindOf(tag)) {
                case VERSION -> versions.add(RepositoryTags.versionOf(tag).orElseThrow());
                case CHANNEL -> channels.add(tag);
                default -> { } // signatures, trust metadata and foreign tags are neither
            }
        }
        versions.sort(null);
        channels.sort(null);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            ObjectNode n = Json.object();
            n.put("repository", ref.storeName());
            ArrayNode v = n.putArray("versions");
            versions.forEach(x -> v.add(x.toString()));
            ArrayNode c = n.putArray("channels");
            channels.forEach(c::add);
            JsonOutput.print(out, n);
        } else {
            versions.forEach(out::println);
            if (!channels.isEmpty()) {
                out.println("channels: " + String.join(", ", channels)); // data, so standard output
            }
        }
        return ExitCode.OK;
    }
}
