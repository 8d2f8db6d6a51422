package dev.updater.cli;

import dev.updater.schema.UpdaterException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code update} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line and returns its exit code; used by tests to run the CLI in-process. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new UpdateCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setUsageHelpWidth(110);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, commandLine.getErr()));
        cli.setParameterExceptionHandler((e, args1) -> {
            PrintWriter w = e.getCommandLine().getErr();
            w.println("update: " + e.getMessage());
            w.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCode.USAGE;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static int report(Exception e, PrintWriter err) {
        if (e instanceof UpdaterException u) {
            err.println("update: " + u.getMessage());
            return ExitCode.of(u.failure());
        }
        err.println("update: unexpected failure: " + e);
        if (System.getenv("UPDATE_DEBUG") != null) {
            e.printStackTrace(err);
        } else {
            err.println("(set UPDATE_DEBUG=1 for a stack trace, and please report it)");
        }
        return ExitCode.FAILURE;
    }
}
