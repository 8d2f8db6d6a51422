package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * {@code --json} and {@code -q} for commands without transfers (those use {@link ProgressOptions}, which has its own
 * {@code -q}). Data goes to standard output; with {@code --json} that is one JSON object (see {@link JsonOutput}),
 * and {@code -q} drops the human summary line, never the data a command exists to print.
 */
public final class OutputOptions {
    @Option(names = "--json", description = "Print the result as one JSON object (its JSON Schema: share/doc/update/json/ in the archive).")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing but errors, the data asked for, and the --json "
            + "result.")
    boolean quiet;

    public boolean json() {
        return json;
    }

    public boolean quiet() {
        return quiet;
    }

    /** A human summary line: not with --json (standard output is JSON then) and not with -q. */
    void say(PrintWriter out, String line) {
        if (!json && !quiet) out.println(line);
    }

    /** The --json result, printed only with --json. */
    void result(PrintWriter out, ObjectNode node) {
        if (json) JsonOutput.print(out, node);
    }
}
