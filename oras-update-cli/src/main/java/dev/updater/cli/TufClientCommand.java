package dev.updater.cli;

import dev.updater.registry.io.Durable;
import dev.updater.schema.UpdaterException;
import dev.updater.schema.tuf.TargetFile;
import dev.updater.tuf.HttpMetadataFetcher;
import dev.updater.tuf.Names;
import dev.updater.tuf.TufClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The client protocol of the public TUF conformance test suite, over a plain HTTP repository. Exit status is 0 on
 * success and 1 on any failure (the suite's contract, unlike the rest of {@code update}).
 */
@Command(name = "tuf-client",
        mixinStandardHelpOptions = true,
        description = {
            "TUF (The Update Framework) client over a plain HTTP repository.",
            "",
            "The client protocol of the TUF conformance test suite; also a way to check a",
            "repository by hand.",
            "",
            "ACTION is one of:",
            "  init TRUSTED_ROOT  copy TRUSTED_ROOT to DIR/root.json (a root obtained",
            "                     out of band; not checked)",
            "  refresh            run the update workflow: root chain, timestamp,",
            "                     snapshot, targets; each verified file is stored",
            "                     byte-identical as DIR/<role>.json (names",
            "                     percent-encoded)",
            "  download           refresh, then fetch each --target-name in order into",
            "                     --target-dir, checking length and hashes; a file",
            "                     already there with matching hashes is not fetched",
            "",
            "Exit status: 0 success, 1 any failure (the reason is printed on stderr).",
            ""},
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  update tuf-client --metadata-dir ./tuf init ./root.json",
            "  update tuf-client --metadata-dir ./tuf --metadata-url http://127.0.0.1:8000/metadata/ refresh",
            "  update tuf-client --metadata-dir ./tuf --metadata-url http://127.0.0.1:8000/metadata/ \\",
            "      --target-base-url http://127.0.0.1:8000/targets/ --target-dir ./out \\",
            "      --target-name app.tar --target-name docs/readme.txt download"})
final class TufClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--metadata-dir", paramLabel = "DIR", description = "Directory of the trusted metadata.")
    Path metadataDir;

    @Option(names = "--metadata-url", paramLabel = "URL", description = "Base URL of the repository's metadata.")
    URI metadataUrl;

    @Option(names = "--target-name", paramLabel = "PATH", description = "Target path to download (repeatable).")
    List<String> targetNames = new ArrayList<>();

    @Option(names = "--target-base-url", paramLabel = "URL", description = "Base URL of the target files.")
    URI targetBaseUrl;

    @Option(names = "--target-dir", paramLabel = "DIR", description = "Where downloaded targets are stored.")
    Path targetDir;

    @Parameters(index = "0", paramLabel = "ACTION", description = "init, refresh or download.")
    String action;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "For init: the trusted root file.")
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            switch (action) {
                case "init" -> init();
                case "refresh" -> updater().refresh();
                case "download" -> download(spec.commandLine().getOut());
                default -> throw new UsageException("unknown action '" + action + "': use init, refresh or download");
            }
            return ExitCode.OK;
        } catch (UpdaterException e) {
            err.println("update tuf-client: " + e.getMessage());
        } catch (UncheckedIOException e) {
            err.println("update tuf-client: " + e.getMessage() + ": " + e.getCause().getMessage());
        } catch (RuntimeException e) {
            err.println("update tuf-client: unexpected failure: " + e);
        }
        return ExitCode.FAILURE;
    }

    private void init() {
        requireMetadataDir();
        if (arguments.size() != 1) throw new UsageException("init needs exactly one argument: TRUSTED_ROOT");
        try {
            Durable.write(metadataDir.resolve("root.json"),
                    Files.readAllBytes(Path.of(arguments.get(0))));
        } catch (IOException e) {
            throw new UsageException("cannot read trusted root " + arguments.get(0) + ": " + e.getMessage());
        }
    }

    private void download(PrintWriter out) {
        if (targetBaseUrl == null || targetDir == null || targetNames.isEmpty()) {
            throw new UsageException("download needs --target-base-url, --target-dir and at least one --target-name");
        }
        TufClient updater = updater();
        updater.refresh();
        for (String name : targetNames) {
            TargetFile info = updater.getTargetInfo(name).orElseThrow(() -> new TargetNotFoundException(name));
            Path file = targetDir.resolve(Names.quote(name));
            if (updater.findCachedTarget(info, file).isPresent()) {
                out.println(name + ": cached, hashes match");
                continue;
            }
            updater.downloadTarget(info, file);
            out.println(name + ": downloaded");
        }
    }

    private TufClient updater() {
        requireMetadataDir();
        if (metadataUrl == null) throw new UsageException("--metadata-url is required for " + action);
        return new TufClient(metadataDir, new HttpMetadataFetcher(metadataUrl, Optional.ofNullable(targetBaseUrl)));
    }

    private void requireMetadataDir() {
        if (metadataDir == null) throw new UsageException("--metadata-dir is required");
    }

    /** No role the trusted targets metadata delegates to lists the target. */
    static final class TargetNotFoundException extends UpdaterException {
        private static final long serialVersionUID = 1L;

        TargetNotFoundException(String name) {
            super("target '" + name + "' is not listed in the trusted targets metadata (or any role it delegates to"
                    + " for that path); check the name or ask the publisher to add it");
        }

        @Override
        public dev.updater.schema.Failure failure() {
            return dev.updater.schema.Failure.NOT_FOUND;
        }
    }
}
