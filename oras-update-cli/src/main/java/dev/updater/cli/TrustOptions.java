package dev.updater.cli;

import dev.updater.signing.CosignKeyFiles;
import dev.updater.signing.KeyPolicy;
import dev.updater.signing.KeylessBundleVerifier;
import dev.updater.signing.KeylessPolicy;
import dev.updater.signing.TrustPolicy;
import dev.updater.signing.VerificationKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Who must have signed a release: public keys with a threshold, or a keyless (Sigstore) identity. */
public final class TrustOptions {
    @Option(names = "--key", paramLabel = "KEY.pub",
            description = "A public key (PEM 'PUBLIC KEY', e.g. cosign.pub) whose cosign signature is accepted; "
                    + "repeat for several keys.")
    List<Path> keys = new ArrayList<>();

    @Option(names = "--threshold", paramLabel = "N",
            description = "How many distinct --key keys must have signed (default 1).")
    Integer threshold;

    @Option(names = "--rekor-key", paramLabel = "rekor.pub",
            description = "Also require each counted signature to carry a Rekor entry signed by this log key "
                    + "(checked offline).")
    Path rekorKey;

    @Option(names = "--trusted-root", paramLabel = "FILE",
            description = "Keyless: a Sigstore trusted_root.json (Fulcio CAs, Rekor and CT log keys); no network is "
                    + "used.")
    Path trustedRoot;

    @Option(names = "--certificate-identity", paramLabel = "ID",
            description = "Keyless: the signer's identity in the certificate (e-mail or workflow URI), exact match.")
    String certificateIdentity;

    @Option(names = "--certificate-oidc-issuer", paramLabel = "URL",
            description = "Keyless: the OIDC issuer of that identity, exact match "
                    + "(e.g. https://token.actions.githubusercontent.com).")
    String certificateOidcIssuer;

    /** The policy the options ask for; empty when no verification option was given. */
    public Optional<TrustPolicy> policy() {
        boolean keyless = trustedRoot != null || certificateIdentity != null || certificateOidcIssuer != null;
        if (keyless && !keys.isEmpty()) {
            throw new UsageException("give either --key (key signatures) or --trusted-root/--certificate-identity/"
                    + "--certificate-oidc-issuer (keyless), not both");
        }
        if (keyless) {
            if (trustedRoot == null || certificateIdentity == null || certificateOidcIssuer == null) {
                throw new UsageException("keyless verification needs all of --trusted-root, --certificate-identity"
                        + " and --certificate-oidc-issuer");
            }
            if (threshold != null || rekorKey != null) {
                throw new UsageException("--threshold and --rekor-key apply to --key verification only");
            }
            return Optional.of(KeylessPolicy.of(trustedRoot,
                    new KeylessBundleVerifier.Identity(certificateIdentity, certificateOidcIssuer)));
        }
        if (keys.isEmpty()) {
            if (threshold != null || rekorKey != null) {
                throw new UsageException("--threshold and --rekor-key need at least one --key");
            }
            return Optional.empty();
        }
        List<VerificationKey> loaded = keys.stream().map(CosignKeyFiles::readPublicKey).toList();
        try {
            return Optional.of(new KeyPolicy(loaded, threshold == null ? 1 : threshold,
                    Optional.ofNullable(rekorKey).map(CosignKeyFiles::readPublicKey)));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--threshold: " + e.getMessage());
        }
    }
}
