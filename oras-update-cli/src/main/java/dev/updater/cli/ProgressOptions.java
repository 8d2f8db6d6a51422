package dev.updater.cli;

import dev.updater.registry.TransferListener;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** How transfers report progress: a bar on a terminal, JSON lines for scripts, or nothing. */
public final class ProgressOptions {
    @Option(names = "--progress",
            description = "Show transfer progress even when standard error is not a terminal (with --json: as JSON "
                    + "lines {\"event\":\"progress\",...} on standard output, at most two a second per transfer).")
    boolean progress;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing but errors (and the --json result).")
    boolean quiet;

    public boolean quiet() {
        return quiet;
    }

    /** The listener for this command's transfers. */
    public TransferListener listener(boolean json, PrintWriter out, PrintWriter err) {
        if (quiet) return TransferListener.NONE;
        if (json) return progress ? new ProgressReporter.JsonLines(out) : TransferListener.NONE;
        if (progress || System.console() != null) return new ProgressReporter.Bar(err);
        return TransferListener.NONE;
    }
}
