package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.publish.PublishResult;
import dev.updater.publish.ReleasePublication;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreReference;
import dev.updater.signing.PolicyEndorsement;
import dev.updater.rollout.RolloutRequest;
import dev.updater.schema.Json;
import dev.updater.schema.RepositoryTags;
import dev.updater.schema.SemVer;
import dev.updater.signing.SignatureEndorsement;
import dev.updater.signing.SigningKey;
import dev.updater.tuf.TrustEndorsement;
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

@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {
            "Move channels to a release that is already published, without uploading anything, in the order of a "
                    + "push: check keys, trust and channel versions; with --key check that the release carries this "
                    + "key's signature; with --trust-keys check that the signed targets list it under its version, "
                    + "then sign the channel entries; only then move the channel tags.",
            "",
            "With --percent the channel starts as a staged rollout (see 'update rollout') instead of reaching every "
                    + "device at once; the policy is signed before the tag moves.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  update promote registry.example.com/acme/app:1.4.2 --channel stable --trust-keys ./keys --percent 5",
            "  update promote registry.example.com/acme/fw:2.1.0 --channel stable --key release.key"})
final class PromoteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    SigningKeyOptions signing;

    @Mixin
    TufPushOptions tufPush;

    @Mixin
    RolloutOptions rollout;

    @Parameters(index = "0", paramLabel = "REPO:VERSION", description = "The published release to promote.")
    String reference;

    @Option(names = "--channel", required = true, paramLabel = "CHANNEL",
            description = "Move this channel tag to the release; repeatable.")
    List<String> channels = new ArrayList<>();

    @Option(names = "--allow-channel-downgrade",
            description = "Move channels even to a lower version than they point at (e.g. to withdraw a bad one).")
    boolean allowChannelDowngrade;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        StoreReference ref = store.parse(reference);
        SemVer version = ref.tag().flatMap(RepositoryTags::versionOf).orElseThrow(() -> new UsageException(
                "promote takes REPO:VERSION (a version tag, e.g. registry.example.com/acme/app:1.4.2): " + reference));
        List<String> targets = List.copyOf(new java.util.LinkedHashSet<>(channels));
        for (String c : targets) {
            RepositoryTags.channelProblem(c).ifPresent(problem -> {
                throw new UsageException("channel '" + c + "' cannot be used: " + problem);
            });
        }
        Optional<RolloutRequest> staged = rollout.staged(targets);
        Optional<SigningKey> key = signing.load(); // before anything is written
        PublishResult result;
        try (ReleaseStore s = store.openForPush(ref)) {
            List<ReleasePublication.Endorsement> endorsements = new ArrayList<>();
            key.ifPresent(k -> endorsements.add(new SignatureEndorsement(s, ref.storeName(), k)));
            Optional<TrustEndorsement> trust = tufPush.prepare(s, targets, staged);
            trust.ifPresent(endorsements::add);
            if (trust.isEmpty()) {
                staged.ifPresent(r -> endorsements.add(new PolicyEndorsement(s, targets, r, key, ref.storeName())));
            }
            result = new ReleasePublication(s, dev.updater.registry.TransferListener.NONE).promote(version, targets,
                    new ReleasePublication.Policy(allowChannelDowngrade), endorsements);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            ObjectNode n = Json.object();
            n.put("repository", ref.storeName());
            n.put("version", version.toString());
            n.put("digest", result.digest().toString());
            ArrayNode list = n.putArray("channels");
            targets.forEach(list::add);
            staged.ifPresent(r -> n.set("rollout", r.policyFor(result.digest()).toJson()));
            JsonOutput.print(out, n);
        } else if (!output.quiet()) {
            out.println("Promoted " + result.update().product() + " " + version + " (" + result.digest().shortForm()
                    + ") to " + String.join(", ", targets)
                    + staged.map(r -> "; rolled out to " + r.policyFor(result.digest())).orElse(""));
        }
        return ExitCode.OK;
    }
}
