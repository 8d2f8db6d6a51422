package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.publish.DeltaOptions;
import dev.updater.publish.PatchReport;
import dev.updater.delta.PatchCompression;
import dev.updater.publish.PublishRequest;
import dev.updater.publish.PublishResult;
import dev.updater.publish.ReleasePublication;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreReference;
import dev.updater.schema.Json;
import dev.updater.schema.RepositoryTags;
import dev.updater.schema.SemVer;
import dev.updater.schema.UpdateManifest;
import dev.updater.signing.SignatureEndorsement;
import dev.updater.signing.SignatureStore;
import dev.updater.signing.SigningKey;
import dev.updater.tuf.TrustEndorsement;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "push",
        description = {
            "Publish a release as one transaction: check keys, trust and channels; upload each target's payload, "
                    + "the update manifest and the release manifest (by digest); sign it (--key) and list it in TUF "
                    + "targets (--trust-keys); only then tag it with its version and move each --channel tag to it. "
                    + "A failure at any step leaves every tag where it was. Prints the release digest.",
            "",
            "Publishing the same version with the same files again is a no-op that prints the same digest; with "
                    + "different files it is refused (versions are immutable). With SOURCE_DATE_EPOCH set, the same "
                    + "inputs always give the same digest.",
            "",
            "With --key NAME.key the release is also signed, as 'update sign' does (cosign's layout).",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  update push oci:./releases --version 1.0.0 --target linux-amd64=build/app --channel stable",
            "  update push registry.example.com/acme/fw --version 2.1.0-rc.1 \\",
            "      --target esp32-v4.2=fw-esp32.bin --target esp32-v5=fw-esp32s3.bin --channel beta --json"})
final class PushCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    // Not the standard help mixin: its -V/--version would clash with the release's --version.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Mixin
    StoreOptions store;

    @Mixin
    ProgressOptions progress;

    @Mixin
    SigningKeyOptions signing;

    @Mixin
    TufPushOptions tufPush;

    @Mixin
    RolloutOptions rollout;

    @Parameters(index = "0", paramLabel = "REPOSITORY",
            description = "Where to publish: host[:port]/repo or oci:PATH (a layout directory, created if missing).")
    String reference;

    @Option(names = "--version", required = true, paramLabel = "VERSION",
            description = "The release's semantic version (semver.org 2.0.0), e.g. 1.4.2 or 2.0.0-rc.1.")
    String version;

    @Option(names = "--target", required = true, paramLabel = "ID=FILE",
            description = "A target id (device class or platform, e.g. esp32-v4.2, linux-amd64) and its payload "
                    + "file; repeat for several targets. A file ending in .tar is installed as a directory.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--channel", paramLabel = "CHANNEL",
            description = "Move this channel tag (e.g. stable, beta) to the release; repeatable.")
    List<String> channels = new ArrayList<>();

    @Option(names = "--product", paramLabel = "NAME",
            description = "Product name recorded in the update manifest (default: the repository's last component).")
    String product;

    @Option(names = "--source", paramLabel = "URL",
            description = "Source repository URL for org.opencontainers.image.source (default from CI variables).")
    String source;

    @Option(names = "--revision", paramLabel = "REV",
            description = "Source revision for org.opencontainers.image.revision (default from CI variables).")
    String revision;

    @Option(names = "--json", description = "Print the result as one JSON object (for CI).")
    boolean json;

    @Option(names = "--chunk-size", paramLabel = "SIZE", defaultValue = "8M",
            description = "Store payloads larger than SIZE as a sequence of SIZE chunks (each its own blob and digest, "
                    + "plus the digest of the whole), so devices resume chunk by chunk even through registries or "
                    + "proxies that ignore Range. Suffixes K, M, G (binary); 0 = never (default: ${DEFAULT-VALUE}).")
    String chunkSize;

    @Option(names = "--mount-from", paramLabel = "REPO",
            description = "Another repository of the same registry (e.g. acme/app-staging) to mount blobs from "
                    + "instead of uploading them: promoting a release between repositories moves no payload bytes.")
    String mountFrom;

    @Option(names = "--allow-channel-downgrade",
            description = "Move --channel tags even to a lower version than they point at (e.g. to withdraw a bad "
                    + "release); without it such a push is refused before anything is uploaded.")
    boolean allowChannelDowngrade;

    @Option(names = "--delta-from", paramLabel = "N", defaultValue = "3",
            description = "Make binary patches to this release from each target's payload in the N newest earlier "
                    + "versions of the repository (default: ${DEFAULT-VALUE}; 0 = no patches). Devices that hold one "
                    + "of those versions download the patch instead of the payload.")
    int deltaFrom;

    @Option(names = "--delta-max-ratio", paramLabel = "R", defaultValue = "0.8",
            description = "Keep a patch only if it is at most R times the size of the payload compressed (xz -6), "
                    + "what a device downloads otherwise (default: ${DEFAULT-VALUE}).")
    double deltaMaxRatio;

    @Option(names = "--urgency", paramLabel = "critical|normal", defaultValue = "normal",
            description = "How soon devices install it: normal releases wait for a device's --window, critical ones "
                    + "(security fixes) install at once. Recorded in the signed release manifest (default: "
                    + "${DEFAULT-VALUE}).")
    String urgency;

    @Option(names = "--delta-compression", paramLabel = "C", defaultValue = "auto",
            description = "Compression of the patches' bodies: auto (default: xz for targets under 3 MiB, where it "
                    + "is smaller and still quick to apply; zstd from there), zstd (applies about twenty times "
                    + "faster on a device) or xz (patches 2-9%% smaller, slow to apply). --json says which each "
                    + "patch has.")
    String deltaCompression;

    @Override
    public Integer call() {
        StoreReference ref = store.parse(reference);
        SemVer semver = parseVersion();
        if (ref.tag().isPresent() && !ref.tag().get().equals(semver.toTag())) {
            throw new UsageException("the reference names tag '" + ref.tag().get() + "' but --version is " + semver
                    + "; give the repository alone (the version tag is set for you)");
        }
        if (ref.digest().isPresent()) {
            throw new UsageException("push takes a repository, not a digest: " + reference);
        }
        if (mountFrom != null && ref.kind() == StoreReference.Kind.LAYOUT) {
            throw new UsageException("--mount-from mounts blobs between repositories of one registry; " + reference
                    + " is an OCI layout directory, which has nothing to mount from");
        }
        if (deltaFrom == 0 && spec.commandLine().getParseResult().hasMatchedOption("--delta-max-ratio")) {
            throw new UsageException("--delta-max-ratio: --delta-from 0 makes no patches, so there is no ratio to"
                    + " apply");
        }
        if (deltaFrom == 0 && spec.commandLine().getParseResult().hasMatchedOption("--delta-compression")) {
            throw new UsageException("--delta-compression: --delta-from 0 makes no patches, so there is nothing to"
                    + " compress");
        }
        PublishRequest request = new PublishRequest(productName(ref), semver, parseTargets(), parseChannels(),
                createdTime(), Optional.ofNullable(source).or(PushCommand::ciSource),
                Optional.ofNullable(revision).or(PushCommand::ciRevision), deltaOptions(), parseSize(chunkSize),
                dev.updater.rollout.Urgency.parse(urgency).orElseThrow(() -> new UsageException("--urgency is "
                        + "critical or normal, not " + urgency)));
        Optional<dev.updater.rollout.RolloutRequest> staged = rollout.staged(request.channels());
        Optional<SigningKey> key = signing.load(); // before uploading: a wrong password must cost nothing
        PublishResult result;
        Optional<SignatureEndorsement> signature;
        Optional<TrustEndorsement> trust;
        try (ReleaseStore s = store.openForPush(ref, Optional.ofNullable(mountFrom))) {
            signature = key.map(k -> new SignatureEndorsement(s, ref.storeName(), k));
            trust = tufPush.prepare(s, request.channels(), staged); // keys and trust checked before uploading
            List<ReleasePublication.Endorsement> endorsements = new ArrayList<>();
            signature.ifPresent(endorsements::add);
            trust.ifPresent(endorsements::add);
            if (trust.isEmpty()) {
                staged.ifPresent(r -> endorsements.add(new dev.updater.signing.PolicyEndorsement(s, request.channels(),
                        r, key, ref.storeName())));
            }
            result = new ReleasePublication(s, progress.listener(json, spec.commandLine().getOut(),
                    spec.commandLine().getErr())).publish(request, new ReleasePublication.Policy(allowChannelDowngrade),
                    endorsements);
        }
        Optional<SignatureStore.Signed> signed = signature.flatMap(SignatureEndorsement::signed);
        if (!json && !progress.quiet()) {
            trust.ifPresent(t -> spec.commandLine().getErr().println("Signed it into TUF targets: "
                    + String.join(", ", t.addedTargets())));
        }
        print(ref, result, signed);
        return ExitCode.OK;
    }

    static long parseSize(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([KMG]?)(i?B)?", java.util.regex.Pattern
                .CASE_INSENSITIVE).matcher(text.trim());
        if (!m.matches()) {
            throw new UsageException("--chunk-size expects a size such as 0, 512K, 8M or 1G; got: " + text);
        }
        long unit = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 1L << 10;
            case "M" -> 1L << 20;
            case "G" -> 1L << 30;
            default -> 1;
        };
        return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    }

    /** Empty for auto: the publisher then chooses per target (xz under 3 MiB, zstd from there). */
    private Optional<PatchCompression> parseCompression() {
        if ("auto".equalsIgnoreCase(deltaCompression)) {
            return Optional.empty();
        }
        try {
            return Optional.of(PatchCompression.fromId(deltaCompression));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--delta-compression: " + e.getMessage() + " or auto");
        }
    }

    private DeltaOptions deltaOptions() {
        try {
            return new DeltaOptions(deltaFrom, deltaMaxRatio, parseCompression());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private SemVer parseVersion() {
        try {
            return SemVer.parse(version);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--version: " + e.getMessage());
        }
    }

    private String productName(StoreReference ref) {
        String name = product != null ? product : ref.baseName().toLowerCase(Locale.ROOT);
        if (!UpdateManifest.isValidProduct(name)) {
            throw new UsageException("product name '" + name + "' is not valid (lowercase letters, digits, '.', "
                    + "'_', '-'); give one with --product");
        }
        return name;
    }

    private Map<String, Path> parseTargets() {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String t : targets) {
            int eq = t.indexOf('=');
            if (eq <= 0 || eq == t.length() - 1) {
                throw new UsageException("--target expects ID=FILE, e.g. --target linux-amd64=build/app; got: " + t);
            }
            String id = t.substring(0, eq);
            Path file = Path.of(t.substring(eq + 1));
            if (!UpdateManifest.isValidTargetId(id)) {
                throw new UsageException("target id '" + id + "' is not valid (letters, digits, '.', '_', '-')");
            }
            if (!Files.isRegularFile(file)) {
                throw new UsageException("payload for target '" + id + "' is not a readable file: " + file);
            }
            if (!dev.updater.schema.TargetPayload.isValidFileName(file.getFileName().toString())) {
                throw new UsageException("payload file name '" + file.getFileName() + "' has characters devices may "
                        + "not accept; rename it (letters, digits, '.', '_', '+', '-')");
            }
            if (out.put(id, file) != null) {
                throw new UsageException("target '" + id + "' is given twice");
            }
        }
        return out;
    }

    private List<String> parseChannels() {
        for (String c : channels) {
            RepositoryTags.channelProblem(c).ifPresent(problem -> {
                throw new UsageException("channel '" + c + "' cannot be used: " + problem);
            });
        }
        return List.copyOf(new java.util.LinkedHashSet<>(channels));
    }

    /** SOURCE_DATE_EPOCH (reproducible-builds.org) makes the release bytes depend on the inputs only. */
    private static Instant createdTime() {
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        if (epoch != null && !epoch.isBlank()) {
            try {
                return Instant.ofEpochSecond(Long.parseLong(epoch.trim()));
            } catch (NumberFormatException e) {
                throw new UsageException("SOURCE_DATE_EPOCH must be whole seconds since 1970: " + epoch);
            }
        }
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    private static Optional<String> ciSource() {
        String server = System.getenv("GITHUB_SERVER_URL");
        String repo = System.getenv("GITHUB_REPOSITORY");
        if (server != null && repo != null) return Optional.of(server + "/" + repo);
        return Optional.ofNullable(System.getenv("CI_PROJECT_URL"));
    }

    private static Optional<String> ciRevision() {
        return Optional.ofNullable(System.getenv("GITHUB_SHA")).or(() -> Optional.ofNullable(
                System.getenv("CI_COMMIT_SHA")));
    }

    private void print(StoreReference ref, PublishResult result, Optional<SignatureStore.Signed> signed) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode n = Json.object();
            n.put("repository", ref.storeName());
            n.put("digest", result.digest().toString());
            n.put("reference", ref.storeName() + "@" + result.digest());
            n.put("product", result.update().product());
            n.put("version", result.update().version().toString());
            n.put("alreadyPublished", result.alreadyPublished());
            ArrayNode tags = n.putArray("tags");
            result.tags().forEach(tags::add);
            ObjectNode t = n.putObject("targets");
            result.update().sortedTargets().forEach((id, p) -> {
                ObjectNode o = t.putObject(id);
                o.put("digest", p.digest().toString());
                o.put("size", p.size());
                o.put("fileName", p.fileName());
            });
            n.put("blobsUploaded", result.blobsUploaded());
            n.put("blobsMounted", result.blobsMounted());
            n.put("blobsSkipped", result.blobsSkipped());
            n.put("bytesUploaded", result.bytesUploaded());
            signed.ifPresent(sig -> n.put("signatureTag", sig.signatureTag()).put("signatures", sig.signatureCount()));
            ObjectNode delta = n.putObject("delta");
            delta.put("fromReleases", deltaFrom);
            delta.put("maxRatio", deltaMaxRatio);
            delta.put("compression", deltaCompression.toLowerCase(Locale.ROOT));
            ArrayNode patches = delta.putArray("patches");
            for (PatchReport p : result.patches()) {
                ObjectNode o = patches.addObject();
                o.put("target", p.target());
                o.put("fromVersion", p.fromVersion().toString());
                p.patchSize().ifPresent(size -> o.put("size", size));
                if (p.compressedFullSize() >= 0) o.put("compressedPayloadSize", p.compressedFullSize());
                p.compression().ifPresent(c -> o.put("compression", c.id()));
                o.put("kept", p.kept());
                o.put("reason", p.reason());
            }
            JsonOutput.print(out, n);
            return;
        }
        PrintWriter err = progress.quiet() ? new PrintWriter(java.io.Writer.nullWriter())
                : spec.commandLine().getErr();
        if (result.alreadyPublished()) {
            err.println("Version " + result.update().version() + " is already published with these payloads; "
                    + "nothing uploaded.");
        } else {
            err.println("Published " + result.update().product() + " " + result.update().version() + " to "
                    + ref.storeName() + " (" + result.blobsUploaded() + " blob(s) uploaded, "
                    + (result.blobsMounted() > 0 ? result.blobsMounted() + " mounted, " : "") + result.blobsSkipped()
                    + " already present); tags: " + String.join(", ", result.tags()));
        }
        signed.ifPresent(sig -> err.println("Signed it (" + sig.signatureCount() + " signature(s) in "
                + sig.signatureTag() + ")."));
        for (PatchReport p : result.patches()) {
            err.println("  patch " + p.target() + " from " + p.fromVersion() + ": "
                    + (p.kept() ? "kept, " : "skipped, ") + p.reason());
        }
        out.println(result.digest());
    }
}
