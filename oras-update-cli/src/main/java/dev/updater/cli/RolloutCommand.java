package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreReference;
import dev.updater.release.Release;
import dev.updater.release.ReleaseReader;
import dev.updater.signing.PolicyArtifactPublisher;
import dev.updater.rollout.RolloutPolicy;
import dev.updater.rollout.RolloutRequest;
import dev.updater.rollout.RolloutStateException;
import dev.updater.tuf.TrustedRollout;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.RepositoryTags;
import dev.updater.signing.SignatureStore;
import dev.updater.signing.SigningKey;
import dev.updater.tuf.OciTrustMirror;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "rollout", mixinStandardHelpOptions = true,
        description = {
            "Publish the signed rollout policy of the release a channel points at: which share of devices may "
                    + "install it. A device is in when a uniform hash of (salt, device id) falls under the "
                    + "percentage, so raising it only adds devices; --percent 0 halts the rollout.",
            "",
            "With TUF trust (--trust-keys) the policy is written into the signed targets entry "
                    + "PRODUCT/channels/CHANNEL and targets, snapshot and timestamp are re-signed; without trust it "
                    + "is a small policy artifact (tag sha256-<release>.rollout), signed with --key when the "
                    + "release is signed. Devices ignore a policy that is not signed as their trust requires (and "
                    + "then install nothing of that release), so a registry operator can neither widen nor narrow a "
                    + "rollout.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  update rollout registry.example.com/acme/app --channel stable --percent 5 --trust-keys ./keys",
            "  update rollout registry.example.com/acme/app --channel stable --percent 0 --trust-keys ./keys  # halt",
            "  update rollout registry.example.com/acme/fw --channel stable --percent 25 --key release.key"})
final class RolloutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    SigningKeyOptions signing;

    @Mixin
    RolloutOptions rollout;

    @Parameters(index = "0", paramLabel = "REPOSITORY", description = "host[:port]/repo or oci:PATH.")
    String reference;

    @Option(names = "--channel", required = true, paramLabel = "CHANNEL", description = "The channel to roll out.")
    String channel;

    @Option(names = "--trust-keys", paramLabel = "KEYDIR",
            description = "TUF keys (targets.pem, snapshot.pem, timestamp.pem): sign the policy into the channel's "
                    + "targets entry. Required when the repository has TUF trust.")
    Path trustKeys;

    @Option(names = "--trust-repo", paramLabel = "DIR",
            description = "With --trust-keys: keep the working copy of the trust metadata here.")
    Path workingCopy;

    @Option(names = "--product", paramLabel = "NAME",
            description = "With --trust-keys: the product of the targets entry (default: the repository's last "
                    + "component).")
    String product;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        StoreReference ref = store.parse(reference);
        if (ref.manifestReference().isPresent()) {
            throw new UsageException("rollout takes a repository and --channel, not a tag or digest: " + reference);
        }
        RepositoryTags.channelProblem(channel).ifPresent(p -> {
            throw new UsageException("channel '" + channel + "' cannot be used: " + p);
        });
        RolloutRequest request = rollout.request();
        if (trustKeys == null && (workingCopy != null || product != null)) {
            throw new UsageException("--trust-repo and --product apply with --trust-keys only");
        }
        Optional<SigningKey> key = signing.load(); // before anything is written: a wrong password costs nothing
        Digest release;
        RolloutPolicy policy;
        String where;
        try (ReleaseStore s = store.openForPush(ref)) {
            if (trustKeys != null) {
                TrustedRollout.Published p = TrustedRollout.publish(s, trustKeys, Optional.ofNullable(workingCopy),
                        product != null ? product : ref.baseName().toLowerCase(Locale.ROOT), channel, request);
                release = p.release();
                policy = p.policy();
                where = "signed TUF targets entry " + p.targetPath();
            } else {
                if (OciTrustMirror.hasTrust(s)) {
                    throw new RolloutStateException(s.describe() + " has TUF trust: its devices read rollouts from "
                            + "the signed targets only; give --trust-keys KEYDIR");
                }
                Release current = ReleaseReader.read(s, channel);
                release = current.digest();
                if (key.isEmpty() && !new SignatureStore(s).existingSignatures(release).isEmpty()) {
                    throw new RolloutStateException("release " + current.update().version() + " on channel '"
                            + channel + "' is signed, so devices that check signatures would ignore an unsigned "
                            + "policy (and install nothing); give --key with the release key");
                }
                policy = request.policyFor(release);
                PolicyArtifactPublisher.Published p = new PolicyArtifactPublisher(s).publish(release, channel, policy,
                        key, ref.storeName());
                where = "policy artifact " + dev.updater.rollout.PolicyArtifact.tagFor(release)
                        + (p.signed() ? " (signed)" : " (unsigned)");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            ObjectNode n = Json.object();
            n.put("repository", ref.storeName());
            n.put("channel", channel);
            n.put("releaseDigest", release.toString());
            n.set("rollout", policy.toJson());
            n.put("where", where);
            JsonOutput.print(out, n);
        } else if (!output.quiet()) {
            out.println("Channel " + channel + " (" + release.shortForm() + ") is rolled out to " + policy + "; "
                    + where);
        }
        return ExitCode.OK;
    }
}
