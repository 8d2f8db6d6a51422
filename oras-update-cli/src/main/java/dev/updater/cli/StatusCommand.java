package dev.updater.cli;

import dev.updater.install.InstallStatus;
import dev.updater.install.Installer;
import dev.updater.install.JournalEntry;
import dev.updater.install.Snapshot;
import dev.updater.rollout.DeviceId;
import dev.updater.rollout.DeviceIdentity;
import dev.updater.schema.SemVer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {
            "Show what an install root runs: its device id (for rollouts), the current version and its payload "
                    + "digest, the snapshots that 'update rollback' can return to, the last event, and any pending "
                    + "journal.",
            "",
            "Reads only: it takes no lock and changes nothing, so it also works while an update runs. A pending "
                    + "journal means an operation is running or was interrupted (power cut, kill); the next "
                    + "'update pull' or 'update rollback' recovers it first, ending on exactly the old or the new "
                    + "version.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {"  update status --install-root /opt/app", "  update status --install-root /opt/app --json"})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    InstallRootOptions root;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        InstallStatus status = Installer.inspect(root.requireRoot());
        java.util.Optional<DeviceId> deviceId = DeviceIdentity.read(
                new dev.updater.install.InstallLayout(root.requireRoot()).stateDir());
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            com.fasterxml.jackson.databind.node.ObjectNode n = status.toJson();
            deviceId.ifPresent(id -> n.put("deviceId", id.value()));
            JsonOutput.print(out, n);
            return ExitCode.OK;
        }
        out.println("Install root: " + status.installRoot());
        out.println("Device id:    " + deviceId.map(DeviceId::value)
                .orElse("(none yet: the first 'update check' or 'update pull' creates it)"));
        out.println("Current:      " + status.currentVersion().map(SemVer::toString).orElse("(none installed)")
                + status.currentDigest().map(d -> "  " + d).orElse(""));
        if (status.snapshots().isEmpty()) {
            out.println("Snapshots:    (none)");
        } else {
            out.println("Snapshots:    (oldest first; 'update rollback --to VERSION' switches to one)");
            for (Snapshot s : status.snapshots()) {
                out.println("  " + s.version() + "  " + s.digest() + "  " + s.time() + "  "
                        + s.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            }
        }
        out.println("Last event:   " + status.lastEvent().orElse("(none)"));
        if (status.pendingJournal().isEmpty()) {
            out.println("Journal:      no operation pending");
        } else {
            JournalEntry j = status.pendingJournal().get();
            out.println("Journal:      " + j.operation().jsonName() + " " + j.fromVersion().map(SemVer::toString)
                    .orElse("(none)") + " -> " + j.toVersion().map(SemVer::toString).orElse("(none)") + " pending in "
                    + "state " + j.state().jsonName() + " since " + j.time()
                    + " (running now, or interrupted: the next update recovers it)");
        }
        return ExitCode.OK;
    }
}
