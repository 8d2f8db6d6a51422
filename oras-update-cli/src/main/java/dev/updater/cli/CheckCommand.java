package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.install.InstallLayout;
import dev.updater.install.Installer;
import dev.updater.pull.CheapPoll;
import dev.updater.pull.DeviceContext;
import dev.updater.pull.DevicePull;
import dev.updater.pull.DeviceUpdater;
import dev.updater.pull.PullOptions;
import dev.updater.pull.UpdateDecision;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreReference;
import dev.updater.rollout.ChannelPolicy;
import dev.updater.schema.Json;
import dev.updater.schema.SemVer;
import dev.updater.schema.UntrustedText;
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

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {
            "Say whether this device would install an update now, without downloading any payload: resolve and "
                    + "verify the release as 'update pull' does (TUF trust, signatures), read the channel's signed "
                    + "rollout policy, and report one status:",
            "  up-to-date    the device runs this version (or a newer one)",
            "  available     the device would install it now",
            "  deferred      a normal release, outside every --window",
            "  not-eligible  the rollout does not include this device (yet), is halted, or its policy is not "
                    + "signed as required",
            "Every successful check exits 0, whatever the status.",
            "",
            "Polls are cheap: when nothing changed since the last check, it sends only HEAD requests (the tag; "
                    + "with TUF the root probe and tuf-timestamp) and downloads no blob; the digests seen last are "
                    + "kept in the state directory (poll/).",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  update check registry.example.com/acme/app:stable --target linux-amd64 --install-root /opt/app --json",
            "  update check registry.example.com/acme/app:stable --target linux-amd64 --device-id thermostat-42 \\",
            "      --window 02:00-04:00 --json"})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    TrustOptions trust;

    @Mixin
    TufPullOptions tuf;

    @Mixin
    InstallRootOptions root;

    @Mixin
    DeviceOptions device;

    @Parameters(index = "0", paramLabel = "REF", description = "The release: host[:port]/repo:TAG or oci:PATH:TAG.")
    String reference;

    @Option(names = "--target", required = true, paramLabel = "ID", description = "The device's target.")
    String target;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Without --install-root: where the device id, pinned TUF root and poll cache live "
                    + "(default: $XDG_STATE_HOME/update or ~/.local/state/update).")
    Path stateDir;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        StoreReference ref = store.parse(reference);
        String release = StoreOptions.manifestOf(ref, reference);
        Optional<Path> installRoot = root.root();
        if (installRoot.isPresent() && stateDir != null) {
            throw new UsageException("--state-dir: with --install-root DIR the state lives in DIR/.updater");
        }
        Path state = installRoot.map(r -> new InstallLayout(r).stateDir())
                .orElse(stateDir != null ? stateDir : PullOptions.defaultStateDir());
        // a device that has installed nothing yet (a new install root) is checked as one with no current version
        Optional<SemVer> current = installRoot.filter(r -> java.nio.file.Files.isDirectory(
                new InstallLayout(r).stateDir())).flatMap(r -> Installer.inspect(r).currentVersion());
        DevicePull request = new DevicePull(ref, release, target, trust.policy(), tuf.settings(
                TrustBootstrapCommand.trustDir(installRoot.orElse(null), stateDir)), Optional.empty());
        DeviceContext context = device.context(state, current, false);
        CheapPoll.Polled polled;
        try (ReleaseStore s = store.open(ref)) {
            polled = new CheapPoll(s, new DeviceUpdater(s, PullOptions.defaults(state)), state).decide(request,
                    context);
        }
        UpdateDecision decision = polled.decision();
        decision.warning().ifPresent(w -> spec.commandLine().getErr().println("update: warning: "
                + UntrustedText.escapeAll(w)));
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            ObjectNode n = toJson(decision, context, current);
            n.put("pollCache", polled.cacheHit() ? "hit" : "miss");
            JsonOutput.print(out, n);
        } else {
            out.println(decision.status().jsonName() + ": " + decision.candidate().version() + ": "
                    + decision.reason());
        }
        return ExitCode.OK;
    }

    static ObjectNode toJson(UpdateDecision d, DeviceContext context, Optional<SemVer> current) {
        ObjectNode n = Json.object();
        n.put("status", d.status().jsonName());
        n.put("candidateVersion", d.candidate().version().toString());
        n.put("reason", d.reason());
        n.put("releaseDigest", d.candidate().release().toString());
        n.put("target", d.candidate().target());
        n.put("urgency", d.candidate().urgency().jsonName());
        n.put("deviceId", context.device().value());
        current.ifPresent(v -> n.put("currentVersion", v.toString()));
        if (d.candidate().policy() instanceof ChannelPolicy.Signed signed) {
            n.set("rollout", signed.policy().toJson());
        }
        d.warning().ifPresent(w -> n.put("warning", w));
        return n;
    }
}
