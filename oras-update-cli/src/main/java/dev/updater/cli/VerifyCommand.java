package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreReference;
import dev.updater.registry.VerifiedManifest;
import dev.updater.schema.Json;
import dev.updater.signing.SignatureStore;
import dev.updater.signing.TrustPolicy;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {
            "Check a release's signatures without downloading it.",
            "",
            "The reference is resolved to a digest once. With --key: the cosign signature manifest (tag "
                    + "sha256-<hex>.sig) is fetched and digest-checked, and at least --threshold distinct keys must "
                    + "have a valid signature whose payload names exactly that digest. Keyless: a Sigstore bundle "
                    + "attached to the release (referrers tag sha256-<hex>) must verify against --trusted-root for the "
                    + "given identity and issuer, offline.",
            "",
            "A failure names the reason (no signatures found, signature invalid, signed digest differs, threshold "
                    + "not met, transparency log check failed) and exits with code 4.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  update verify registry.example.com/acme/fw:stable --key release.pub",
            "  update verify oci:./releases:2.1.0 --key alice.pub --key bob.pub --key carol.pub --threshold 2",
            "  update verify ghcr.io/acme/app:1.0.0 --trusted-root trusted_root.json \\",
            "      --certificate-identity https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0 \\",
            "      --certificate-oidc-issuer https://token.actions.githubusercontent.com"})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    TrustOptions trust;

    @Parameters(index = "0", paramLabel = "REF",
            description = "The release: host[:port]/repo:TAG, host[:port]/repo@sha256:HEX, or oci:PATH:TAG.")
    String reference;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        TrustPolicy policy = trust.policy().orElseThrow(() -> new UsageException("say whom to trust: --key KEY.pub"
                + " (repeatable, with --threshold N), or --trusted-root, --certificate-identity and"
                + " --certificate-oidc-issuer"));
        StoreReference ref = store.parse(reference);
        String manifest = StoreOptions.manifestOf(ref, reference);
        SignatureStore.Verified verified;
        try (ReleaseStore s = store.open(ref)) {
            VerifiedManifest release = s.fetchManifest(manifest);
            verified = new SignatureStore(s).verify(release.digest(), policy);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            ObjectNode n = Json.object();
            n.put("reference", ref.storeName() + "@" + verified.release());
            n.put("releaseDigest", verified.release().toString());
            n.put("verified", true);
            n.put("summary", verified.summary());
            JsonOutput.print(out, n);
        } else if (!output.quiet()) {
            out.println("Verified " + ref.storeName() + "@" + verified.release() + ": " + verified.summary());
        }
        return ExitCode.OK;
    }
}
