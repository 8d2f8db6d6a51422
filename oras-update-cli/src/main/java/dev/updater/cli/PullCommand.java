package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.pull.PullEngine;
import dev.updater.pull.PullOptions;
import dev.updater.pull.PullResult;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreReference;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.signing.SignatureStore;
import dev.updater.signing.TrustPolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {
            "Fetch one target's payload of a release and write it to a file.",
            "",
            "The tag is resolved to a digest once; the release manifest, the update manifest and the payload are "
                    + "each checked against their digests while they stream. The output appears only when every "
                    + "check passed (written to a temporary file beside it, then renamed); a failed pull leaves "
                    + "nothing behind.",
            "",
            "With --key (or the keyless options) the release's signatures are verified first, as 'update verify' "
                    + "does, and nothing is downloaded unless they satisfy the policy (exit code 4 otherwise).",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  update pull oci:./releases:stable --target linux-amd64 --output ./app",
            "  update pull registry.example.com/acme/fw@sha256:3f1c... --target esp32-v4.2 --output fw.bin --json",
            "  update pull registry.example.com/acme/fw:stable --target esp32-v4.2 --output fw.bin --key release.pub"})
final class PullCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    TrustOptions trust;

    @Parameters(index = "0", paramLabel = "REF",
            description = "The release: host[:port]/repo:TAG, host[:port]/repo@sha256:HEX, or oci:PATH:TAG.")
    String reference;

    @Option(names = "--target", required = true, paramLabel = "ID",
            description = "Which target's payload to fetch (update inspect REF lists them).")
    String target;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Where to write the payload.")
    Path output;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where partial downloads are kept so that an interrupted pull resumes "
                    + "(default: $XDG_STATE_HOME/update or ~/.local/state/update).")
    Path stateDir;

    @Override
    public Integer call() {
        StoreReference ref = store.parse(reference);
        String manifest = StoreOptions.manifestOf(ref, reference);
        Optional<TrustPolicy> policy = trust.policy();
        PullResult result;
        try (ReleaseStore s = store.open(ref)) {
            String release = manifest;
            if (policy.isPresent()) {
                // Resolve once, check the signatures of that digest, then pull by digest: a tag moved in between
                // cannot slip another release in, and no payload byte is read before the signatures passed.
                Digest digest = s.fetchManifest(manifest).digest();
                new SignatureStore(s).verify(digest, policy.get());
                release = digest.toString();
            }
            PullOptions options = PullOptions.defaults(stateDir != null ? stateDir : PullOptions.defaultStateDir());
            result = new PullEngine(s, options).pullToFile(release, target, output);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode n = Json.object();
            n.put("reference", ref.storeName() + "@" + result.releaseDigest());
            n.put("releaseDigest", result.releaseDigest().toString());
            n.put("product", result.product());
            n.put("version", result.version().toString());
            n.put("target", result.target());
            n.put("payloadDigest", result.payloadDigest().toString());
            n.put("size", result.payloadSize());
            n.put("bytesDownloaded", result.bytesDownloaded());
            n.put("output", result.output().toAbsolutePath().toString());
            JsonOutput.print(out, n);
        } else {
            out.println("Pulled " + result.product() + " " + result.version() + " (" + result.target() + ", "
                    + result.payloadSize() + " bytes, " + result.payloadDigest().shortForm() + ") to "
                    + result.output());
        }
        return ExitCode.OK;
    }
}
