package dev.updater.cli;

import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreReference;
import dev.updater.registry.VerifiedManifest;
import dev.updater.release.ReleaseReader;
import dev.updater.signing.SignatureStore;
import dev.updater.signing.SigningKey;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {
            "Sign a published release with a private key, the way cosign does: the release manifest's digest goes "
                    + "into a simple-signing payload, stored as a layer of the manifest tagged sha256-<hex>.sig in "
                    + "the same repository, with the signature in its dev.cosignproject.cosign/signature annotation.",
            "",
            "Signing again with another key adds a signature and keeps the earlier ones; a key that already signed "
                    + "is not added twice. 'cosign verify --key' accepts these signatures, and 'update verify' and "
                    + "'update pull --key' accept cosign's.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  update sign registry.example.com/acme/fw:2.1.0 --key release.key",
            "  UPDATE_PASSWORD=... update sign oci:./releases:stable --key ci.key",
            "  update sign localhost:5000/acme/app@sha256:3f1c... --key second-signer.key --plain-http"})
final class SignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    SigningKeyOptions signing;

    @Parameters(index = "0", paramLabel = "REF",
            description = "The release: host[:port]/repo:TAG, host[:port]/repo@sha256:HEX, or oci:PATH:TAG.")
    String reference;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        if (!signing.present()) {
            throw new UsageException("give the private key to sign with: --key NAME.key");
        }
        SigningKey key = signing.load().orElseThrow();
        StoreReference ref = store.parse(reference);
        String manifest = StoreOptions.manifestOf(ref, reference);
        SignatureStore.Signed signed;
        try (ReleaseStore s = store.openForPush(ref)) {
            VerifiedManifest release = s.fetchManifest(manifest);
            ReleaseReader.read(s, release, manifest); // refuse to sign something that is not a release
            signed = new SignatureStore(s).sign(release.digest(), ref.storeName(), key);
        }
        PrintWriter out = spec.commandLine().getOut();
        output.say(out, (signed.added() ? "Signed " : "Already signed: ") + ref.storeName() + "@" + signed.release()
                + " with " + key.publicKey() + " (" + signed.signatureCount() + " signature(s) in "
                + signed.signatureTag() + ")");
        com.fasterxml.jackson.databind.node.ObjectNode n = dev.updater.schema.Json.object();
        n.put("reference", ref.storeName() + "@" + signed.release());
        n.put("releaseDigest", signed.release().toString());
        n.put("added", signed.added());
        n.put("signatureCount", signed.signatureCount());
        n.put("signatureTag", signed.signatureTag());
        n.put("publicKey", key.publicKey().toString());
        output.result(out, n);
        return ExitCode.OK;
    }
}
