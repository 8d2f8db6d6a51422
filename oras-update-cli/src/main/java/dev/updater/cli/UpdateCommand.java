package dev.updater.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "update",
        mixinStandardHelpOptions = true,
        versionProvider = BuildInfo.class,
        description = {
            "Publish and install software updates through any OCI registry (or an OCI layout directory).",
            "",
            "A release is an OCI artifact: an image manifest whose config is the update manifest and whose layers "
                    + "are the payloads of each target. Every byte pulled is checked against its digest before use.",
            ""},
        footerHeading = "%n",
        footer = {
            "References:",
            "  host[:port]/repo:tag          a tag in a registry (a version such as 1.4.2, or a channel such as stable)",
            "  host[:port]/repo@sha256:HEX   one release by digest",
            "  oci:PATH[:tag|@sha256:HEX]    an OCI image layout directory (no server needed)",
            "",
            "Examples:",
            "  update push oci:/tmp/releases --version 1.0.0 --target linux-amd64=./app --channel stable",
            "  update pull oci:/tmp/releases:stable --target linux-amd64 --output ./app",
            "  update versions localhost:5000/acme/app --plain-http",
            "  update pull oci:/tmp/releases:stable --target linux-amd64 --install-root /opt/app",
            "  update status --install-root /opt/app; update rollback --install-root /opt/app",
            "",
            ExitCode.HELP_TABLE},
        subcommands = {
            PushCommand.class,
            PullCommand.class,
            InspectCommand.class,
            VersionsCommand.class,
            VersionCommand.class,
            CdsTrainingCommand.class,
            ManPagesCommand.class,
            DiffCommand.class,
            PatchCommand.class,
            TufClientCommand.class,
            KeygenCommand.class,
            SignCommand.class,
            VerifyCommand.class,
            StatusCommand.class,
            RollbackCommand.class,
            TrustCommand.class,
            LoginCommand.class,
            LogoutCommand.class,
            PromoteCommand.class,
            RolloutCommand.class,
            CheckCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class UpdateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
