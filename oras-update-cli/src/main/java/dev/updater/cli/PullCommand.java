package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.install.HealthCheck;
import dev.updater.install.InstallOptions;
import dev.updater.install.InstallResult;
import dev.updater.install.Installer;
import dev.updater.pull.DeviceContext;
import dev.updater.pull.DevicePull;
import dev.updater.pull.DeviceUpdater;
import dev.updater.pull.DeviceInstall;
import dev.updater.pull.PullOptions;
import dev.updater.pull.PullResult;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreReference;
import dev.updater.registry.remote.RetryPolicy;
import dev.updater.release.Release;
import dev.updater.schema.Json;
import dev.updater.schema.UntrustedText;
import dev.updater.schema.UpdateManifest;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {
            "Fetch one target's payload of a release and write it to a file (--output), or install it (--install-root).",
            "",
            "The tag is resolved to a digest once; the release manifest, the update manifest and the payload are "
                    + "each checked against their digests while they stream. The output appears only when every "
                    + "check passed (written to a temporary file beside it, then renamed); a failed pull leaves "
                    + "nothing behind.",
            "",
            "With --key (or the keyless options) the release's signatures are verified first, as 'update verify' "
                    + "does, and nothing is downloaded unless they satisfy the policy (exit code 4 otherwise).",
            "",
            "With TUF trust pinned on the device ('update trust bootstrap'), trust metadata is refreshed from the "
                    + "repository first and the version or channel is resolved through the signed targets, never "
                    + "through the tag; an expired timestamp stops the pull (exit code 4).",
            "",
            "With --install-root DIR the payload is installed as DIR/versions/<version>/ (a file with its name and "
                    + "mode, or a .tar payload extracted after every entry was checked), verified again, and "
                    + "DIR/current is switched to it atomically; the previous version stays as a snapshot for "
                    + "rollback. Every step is written to a journal before it runs: after a crash or "
                    + "power cut the next run ends on exactly the old or the new version. Downloads are retried with "
                    + "backoff.",
            "",
            "Refused unless allowed: a version lower than the current one, a prerelease. Pulling the current "
                    + "version again does nothing. With --health-cmd the command runs after the switch; if it fails "
                    + "or times out the previous version is restored and the exit code is 8.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  update pull oci:./releases:stable --target linux-amd64 --output ./app",
            "  update pull registry.example.com/acme/fw@sha256:3f1c... --target esp32-v4.2 --output fw.bin --json",
            "  update pull registry.example.com/acme/fw:stable --target esp32-v4.2 --output fw.bin --key release.pub",
            "  update pull registry.example.com/acme/app:stable --target linux-amd64 --install-root /opt/app \\",
            "      --health-cmd '/opt/app/current/app --self-test' --health-timeout 20",
            "  update pull registry.example.com/acme/app --channel beta --target linux-amd64 --install-root /opt/app",
            "  update pull --rollback --install-root /opt/app          # same as: update rollback",
            "  update status --install-root /opt/app"})
final class PullCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    TrustOptions trust;

    @Mixin
    TufPullOptions tuf;

    @Mixin
    ProgressOptions progress;

    @Mixin
    InstallRootOptions root;

    @Mixin
    InstallPolicyOptions policy;

    @Mixin
    DeviceOptions device;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REF",
            description = "The release: host[:port]/repo:TAG, host[:port]/repo@sha256:HEX, or oci:PATH:TAG.")
    String reference;

    @Option(names = "--target", paramLabel = "ID",
            description = "Which target's payload to fetch (update inspect REF lists them).")
    String target;

    @Option(names = "--channel", paramLabel = "CHANNEL",
            description = "Pull the release this channel tag (e.g. stable, beta) points at; REF then names only "
                    + "the repository.")
    String channel;

    @Option(names = "--output", paramLabel = "PATH", description = "Write the payload to this file (no install).")
    Path output;

    @Option(names = "--rollback",
            description = "Fetch nothing: switch the install root back to the previous version (update rollback).")
    boolean rollback;

    @Option(names = "--health-cmd", paramLabel = "CMD",
            description = "Shell command run after the switch (in the new version directory, with UPDATE_VERSION, "
                    + "UPDATE_VERSION_DIR and UPDATE_INSTALL_ROOT set); non-zero exit or timeout rolls back.")
    String healthCommand;

    @Option(names = "--health-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long the health command may run (default: 30).")
    double healthTimeoutSeconds;

    @Option(names = "--retries", paramLabel = "N",
            description = "Attempts per registry request and per blob transfer (its resumes included), with "
                    + "exponential backoff: the one retry policy of the pull (default: 5).")
    Integer attempts;

    @Option(names = "--allow-downgrade", description = "Install even if the version is lower than the current one.")
    boolean allowDowngrade;

    @Option(names = "--allow-prerelease", description = "Install prerelease versions (e.g. 2.0.0-rc.1).")
    boolean allowPrerelease;

    @Option(names = "--json", description = "Print the result as one JSON object; with --install-root, first one "
            + "JSON line per state transition as it happens.")
    boolean json;

    @Option(names = "--base", paramLabel = "FILE",
            description = "A file this device already has (an earlier version's payload): if the release has a patch "
                    + "from it, only the patch is downloaded and applied, and the result is checked against the "
                    + "payload digest; otherwise (no patch, patch missing or corrupt) the full payload is fetched "
                    + "and the output says why. With --install-root the installed version is the base.")
    Path base;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "With --output: where partial downloads are kept so that an interrupted pull resumes "
                    + "(default: $XDG_STATE_HOME/update or ~/.local/state/update). With --install-root they live "
                    + "in DIR/.updater/downloads.")
    Path stateDir;

    @Option(names = "--prefetch",
            description = "With --install-root, when a --window defers the install: download and verify the payload "
                    + "now into the state directory, so the install inside the window downloads no payload.")
    boolean prefetch;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (rollback) {
            if (reference != null || target != null || output != null) {
                throw new UsageException("--rollback fetches nothing: give only --install-root (and --json)");
            }
            refuseGiven("not used by --rollback, which fetches and installs nothing",
                    Stream.concat(Arrays.stream(FETCH_OPTIONS), Arrays.stream(NEW_VERSION_OPTIONS))
                            .toArray(String[]::new));
            try (Installer installer = Installer.open(root.requireRoot(), policy.options(json, out))) {
                reportRecovery(installer);
                RollbackCommand.print(out, installer.rollback(Optional.empty()), json);
            }
            return ExitCode.OK;
        }
        if (reference == null || target == null) {
            throw new UsageException("name the release and the target: update pull REF --target ID "
                    + "(--output FILE | --install-root DIR)");
        }
        requireBaseFile();
        if (output != null) {
            refuseGiven("only for installs (--install-root DIR); --output FILE installs nothing, so it would be ignored",
                    INSTALL_ONLY_OPTIONS);
            return pullToFile(out);
        }
        if (root.root().isEmpty()) {
            throw new UsageException("say where the payload goes: --output FILE, or --install-root DIR to install it");
        }
        refuseGiven("only with --output; with --install-root DIR downloads and trust live in DIR/.updater",
                "--state-dir");
        if (healthCommand == null) {
            refuseGiven("the time limit of --health-cmd, which was not given", "--health-timeout");
        }
        return pullAndInstall(out, root.requireRoot());
    }

    /** Options about installing a new version; --rollback installs none. */
    private static final String[] NEW_VERSION_OPTIONS = {"--health-cmd", "--health-timeout", "--allow-downgrade",
        "--allow-prerelease", "--retries", "--device-id", "--window", "--prefetch"};
    /** Options that change how a payload is installed; with --output they would be silently ignored. */
    private static final String[] INSTALL_ONLY_OPTIONS = {"--install-root", "--health-cmd", "--health-timeout",
        "--allow-downgrade", "--allow-prerelease", "--retries", "--lock-timeout", "--keep", "--keep-mib",
        "--device-id", "--window", "--prefetch"};
    /** Options that say what to fetch and how to trust it; --rollback fetches nothing. */
    private static final String[] FETCH_OPTIONS = {"--channel", "--base", "--state-dir", "--key", "--threshold",
        "--rekor-key", "--trusted-root", "--certificate-identity", "--certificate-oidc-issuer", "--tuf", "--product"};

    /**
     * Refuses the options of {@code names} that were given on the command line (not defaults or environment),
     * naming them all: an option that would be ignored must not look as if it had been applied.
     */
    private void refuseGiven(String why, String... names) {
        List<String> given = Arrays.stream(names).filter(spec.commandLine().getParseResult()::hasMatchedOption)
                .toList();
        if (!given.isEmpty()) {
            throw new UsageException(String.join(", ", given) + ": " + why);
        }
    }

    /** Checked before anything is fetched: a mistyped --base would otherwise quietly become a full download. */
    private void requireBaseFile() {
        if (base != null && !Files.isRegularFile(base)) {
            throw new UsageException("--base " + base + (Files.exists(base) ? " is not a regular file"
                    : " does not exist") + "; give a payload this device already has, or leave --base out");
        }
    }

    private Integer pullToFile(PrintWriter out) {
        StoreReference ref = store.parse(reference);
        DevicePull request = request(ref, TrustBootstrapCommand.trustDir(null, stateDir)); // keys load here
        PullResult result;
        try (ReleaseStore s = store.open(ref)) {
            PullOptions options = PullOptions.defaults(stateDir != null ? stateDir : PullOptions.defaultStateDir())
                    .withListener(progress.listener(json, out, spec.commandLine().getErr()));
            result = new DeviceUpdater(s, options).pullToFile(request, output);
        }
        if (json) {
            ObjectNode n = Json.object();
            n.put("reference", ref.storeName() + "@" + result.releaseDigest());
            n.put("releaseDigest", result.releaseDigest().toString());
            n.put("product", result.product());
            n.put("version", result.version().toString());
            n.put("target", result.target());
            n.put("payloadDigest", result.payloadDigest().toString());
            n.put("size", result.payloadSize());
            putFetch(n, result.fetch());
            n.put("output", result.output().toAbsolutePath().toString());
            JsonOutput.print(out, n);
        } else if (!progress.quiet()) {
            out.println("Pulled " + result.product() + " " + result.version() + " (" + result.target() + ", "
                    + result.payloadSize() + " bytes, " + result.payloadDigest().shortForm() + ") to "
                    + result.output() + describe(result.fetch()));
        }
        return ExitCode.OK;
    }

    /** Keys first (a bad key is exit 2 before anything is locked or fetched), then recovery, then the pipeline. */
    private Integer pullAndInstall(PrintWriter out, Path installRoot) {
        StoreReference ref = store.parse(reference);
        DevicePull request = request(ref, dev.updater.tuf.DeviceTrust.dirForInstallRoot(installRoot));
        try (Installer installer = Installer.open(installRoot, installOptions(out))) {
            reportRecovery(installer);
            if (attempts != null) store.useRetryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(attempts));
            try (ReleaseStore online = store.open(ref)) {
                PullOptions options = PullOptions.defaults(installRoot.resolve(".updater"))
                        .withListener(progress.listener(json, out, spec.commandLine().getErr()));
                DeviceContext context = device.context(installer.layout().stateDir(),
                        installer.status().currentVersion(), allowDowngrade);
                DeviceInstall.Result run = new DeviceInstall(online, options, installer, prefetch).run(request,
                        context);
                PrintWriter err = spec.commandLine().getErr();
                run.offline().ifPresent(why -> err.println("update: warning: " + UntrustedText.escapeAll(why)));
                if (run.outcome() instanceof DeviceInstall.Polled polled) {
                    DeviceUpdate.reportPolled(polled.decision(), json, out, err);
                } else if (run.outcome() instanceof DeviceInstall.Held held) {
                    DeviceUpdate.reportNotInstalled(held.decided().decision(), held.prefetchedBytes(), json, out,
                            err);
                } else if (run.outcome() instanceof DeviceInstall.Done done) {
                    DeviceUpdater.Installed installed = done.installed();
                    print(out, ref, installed.release().release(), installed.result(), installed.fetch());
                }
            }
        }
        return ExitCode.OK;
    }

    private DevicePull request(StoreReference ref, Path trustDir) {
        return new DevicePull(ref, releaseOf(ref), target, trust.policy(), tuf.settings(trustDir),
                Optional.ofNullable(base));
    }

    /** The tag or digest to pull: from REF, or the --channel tag when REF names only the repository. */
    private String releaseOf(StoreReference ref) {
        if (channel == null) {
            return StoreOptions.manifestOf(ref, reference);
        }
        if (ref.manifestReference().isPresent()) {
            throw new UsageException("give either a tag or digest in REF or --channel, not both");
        }
        if (!UpdateManifest.isValidChannel(channel)) {
            throw new UsageException("'" + channel + "' is not a channel name (a tag such as stable or beta)");
        }
        return channel;
    }

    private InstallOptions installOptions(PrintWriter out) {
        if (attempts != null && attempts < 1) throw new UsageException("--retries must be at least 1");
        if (healthTimeoutSeconds <= 0) throw new UsageException("--health-timeout must be positive");
        if (healthCommand != null && healthCommand.isBlank()) throw new UsageException("--health-cmd is empty");
        return policy.options(json, out)
                .withAllowDowngrade(allowDowngrade)
                .withAllowPrerelease(allowPrerelease)
                .withHealthCheck(Optional.ofNullable(healthCommand).map(c -> HealthCheck.shell(c,
                        Duration.ofMillis((long) (healthTimeoutSeconds * 1000)))));
    }

    private void reportRecovery(Installer installer) {
        installer.recoveryReport().ifPresent(r -> spec.commandLine().getErr().println("update: recovered: " + r));
    }

    private static void putFetch(ObjectNode n, PullResult.Fetch fetch) {
        n.put("method", fetch.method());
        n.put("bytesDownloaded", fetch.bytesDownloaded());
        fetch.patchFrom().ifPresent(v -> n.put("patchFrom", v.toString()));
        fetch.fallbackReason().ifPresent(r -> n.put("deltaFallbackReason", r));
    }

    private static String describe(PullResult.Fetch fetch) {
        if (fetch.method().equals(PullResult.Fetch.DELTA)) {
            return " by applying the patch from " + fetch.patchFrom().map(Object::toString).orElse("?") + " ("
                    + fetch.bytesDownloaded() + " bytes downloaded)";
        }
        // the reason may quote a patch's media type or an error about the store's content
        return fetch.fallbackReason().map(r -> "; full download because " + dev.updater.schema.UntrustedText
                .escapeAll(r)).orElse("");
    }

    private void print(PrintWriter out, StoreReference ref, Release release, InstallResult result,
            Optional<PullResult.Fetch> fetch) {
        if (json) {
            ObjectNode n = Json.object();
            n.put("result", result.outcome() == InstallResult.Outcome.INSTALLED ? "installed" : "already-current");
            n.put("reference", ref.storeName() + "@" + release.digest());
            n.put("releaseDigest", release.digest().toString());
            n.put("product", release.update().product());
            n.put("version", result.version().toString());
            n.put("target", target);
            n.put("payloadDigest", result.digest().toString());
            result.previousVersion().ifPresent(v -> n.put("previousVersion", v.toString()));
            n.put("bytesDownloaded", result.bytesFetched());
            fetch.ifPresent(f -> putFetch(n, f));
            n.put("versionDir", result.versionDir().toString());
            n.putArray("pruned").addAll(result.pruned().stream()
                    .map(v -> Json.mapper().getNodeFactory().textNode(v.toString())).toList());
            n.put("message", result.message());
            JsonOutput.print(out, n);
        } else if (result.outcome() == InstallResult.Outcome.ALREADY_CURRENT) {
            out.println(result.message());
        } else {
            out.println("Installed " + release.update().product() + " " + result.version() + " (" + target + ", "
                    + result.digest().shortForm() + ") in " + result.versionDir()
                    + result.previousVersion().map(v -> "; previous version " + v + " kept for rollback").orElse("")
                    + (result.pruned().isEmpty() ? "" : "; removed old versions " + result.pruned())
                    + fetch.map(PullCommand::describe).orElse(""));
        }
    }
}
