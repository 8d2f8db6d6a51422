package dev.updater.cli;

import dev.updater.registry.LocalFileException;
import dev.updater.schema.Failure;
import dev.updater.schema.UntrustedText;
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
    public static int run(String[] args, PrintWriter rawOut, PrintWriter rawErr) {
        // Every line goes through a TerminalWriter: what the commands print may carry strings from a release or a
        // registry, and those must not reach a terminal as control characters (see UntrustedText).
        PrintWriter out = new PrintWriter(new TerminalWriter(rawOut, "\n\t"), true);
        PrintWriter err = new PrintWriter(new TerminalWriter(rawErr, "\n\r\t"), true);
        CommandLine cli = commandLine(args);
        cli.setOut(out);
        cli.setErr(err);
        // No ANSI styles in help: they are escape sequences, which the TerminalWriter would show as text.
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setUsageHelpWidth(110);
        boolean json = java.util.Arrays.asList(args).contains("--json");
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, commandLine.getErr(),
                json ? commandLine.getOut() : null));
        cli.setParameterExceptionHandler((e, args1) -> {
            PrintWriter w = e.getCommandLine().getErr();
            String message = UntrustedText.escapeAll(e.getMessage());
            w.println("update: " + message);
            if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
                CommandLine.UnmatchedArgumentException.printSuggestions(unmatched, w);
            }
            w.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            if (json) {
                JsonOutput.error(e.getCommandLine().getOut(), ExitCode.USAGE, Failure.USAGE, message);
            }
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

    /** Reports a failed command on stderr and, when {@code jsonOut} is given (--json), as one error object there. */
    private static int report(Exception e, PrintWriter err, PrintWriter jsonOut) {
        if (e instanceof UpdaterException u) {
            String message = UntrustedText.escapeAll(u.getMessage());
            err.println("update: " + message);
            int code = ExitCode.of(u.failure());
            if (jsonOut != null) JsonOutput.error(jsonOut, code, u.failure(), message);
            return code;
        }
        java.util.Optional<LocalFileException> refusal = fileSystemRefusal(e);
        if (refusal.isPresent()) {
            return report(refusal.get(), err, jsonOut);
        }
        String message = "unexpected failure: " + UntrustedText.escapeAll(e.toString());
        err.println("update: " + message);
        if (jsonOut != null) JsonOutput.error(jsonOut, ExitCode.FAILURE, Failure.INTERNAL, message);
        if (System.getenv("UPDATE_DEBUG") != null) {
            e.printStackTrace(err);
        } else {
            err.println("(set UPDATE_DEBUG=1 for a stack trace, and please report it)");
        }
        return ExitCode.FAILURE;
    }

    /**
     * The guard behind the rule that exit 1 is for bugs: the file system refusing us (full, read-only, permission
     * denied) is local state wherever it surfaces, even through a code path that forgot to type it. Anything else
     * untyped is a bug of ours and stays exit 1.
     */
    static java.util.Optional<LocalFileException> fileSystemRefusal(Throwable e) {
        Throwable refused = null; // the innermost cause that is the refusal: it names the path
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.file.AccessDeniedException || LocalFileException.isNoSpace(t)
                    || LocalFileException.isReadOnly(t)) {
                refused = t;
            }
        }
        if (refused != null) {
            String path = refused instanceof java.nio.file.FileSystemException f && f.getFile() != null
                    ? f.getFile() : "a local file";
            return java.util.Optional.of(new LocalFileException("cannot use " + path, refused));
        }
        return java.util.Optional.empty();
    }
}
