package dev.updater.cli;

import dev.updater.schema.UpdaterException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** Entry point of the {@code update} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line and returns its exit code; used by tests to run the CLI in-process. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine(args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setUsageHelpWidth(110);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, commandLine.getErr()));
        cli.setParameterExceptionHandler((e, args1) -> {
            PrintWriter w = e.getCommandLine().getErr();
            w.println("update: " + e.getMessage());
            if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
                CommandLine.UnmatchedArgumentException.printSuggestions(unmatched, w);
            }
            w.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCode.USAGE;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * The command tree for one call. Introspecting all the subcommands' annotations is most of a short call's start-up
     * (about 0.2 s, as much as the JVM's own start), so {@code update SUB ...} builds only SUB's command under a bare
     * {@code update} root; any other command line (options first, a misspelt or no subcommand, {@code help}, which
     * describes the others) gets the whole tree.
     */
    static CommandLine commandLine(String[] args) {
        if (args.length > 0) {
            for (Class<?> subcommand : UpdateCommand.class.getAnnotation(Command.class).subcommands()) {
                if (subcommand != CommandLine.HelpCommand.class
                        && subcommand.getAnnotation(Command.class).name().equals(args[0])) {
                    CommandLine root = new CommandLine(CommandSpec.wrapWithoutInspection(new UpdateCommand())
                            .name("update"));
                    root.addSubcommand(new CommandLine(subcommand));
                    return root;
                }
            }
        }
        return new CommandLine(new UpdateCommand());
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
