package dev.updater.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Parameters;

/**
 * Run at build time: writes {@code update.1} and {@code update-SUB.1} (troff, man section 1) from the same command
 * model the help comes from, so the pages never disagree with {@code --help}. Hidden: not for users.
 */
@Command(name = "__man-pages", hidden = true)
final class ManPagesCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() {
        CommandLine tree = new CommandLine(new UpdateCommand());
        try {
            Files.createDirectories(dir);
            write(tree, "update");
            for (var sub : tree.getSubcommands().entrySet()) {
                if (sub.getValue().getCommandSpec().usageMessage().hidden()) continue;
                write(sub.getValue(), "update-" + sub.getKey());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ExitCode.OK;
    }

    private void write(CommandLine command, String pageName) throws IOException {
        Files.writeString(dir.resolve(pageName + ".1"), page(command, pageName), StandardCharsets.UTF_8);
    }

    static String page(CommandLine command, String pageName) {
        CommandSpec spec = command.getCommandSpec();
        Help help = command.getHelp();
        StringBuilder s = new StringBuilder();
        s.append(".TH ").append(pageName.toUpperCase(java.util.Locale.ROOT)).append(" 1 \"\" \"update ")
                .append(escape(new BuildInfo().version())).append("\" \"User Commands\"\n");
        s.append(".SH NAME\n").append(escape(pageName)).append(" \\- ")
                .append(escape(firstParagraph(spec.usageMessage().description()))).append('\n');
        s.append(".SH SYNOPSIS\n.nf\n").append(escape(help.synopsis(0).strip())).append("\n.fi\n");
        s.append(".SH DESCRIPTION\n");
        for (String line : spec.usageMessage().description()) {
            s.append(line.isEmpty() ? ".PP\n" : escape(interpolate(line)) + "\n");
        }
        if (!spec.positionalParameters().isEmpty()) {
            s.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                if (p.hidden()) continue;
                s.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n')
                        .append(escape(interpolate(String.join(" ", p.description())))).append('\n');
            }
        }
        s.append(".SH OPTIONS\n");
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) continue;
            s.append(".TP\n.B ").append(escape(String.join(", ", o.names())));
            if (o.arity().max() > 0) s.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
            s.append('\n').append(escape(interpolate(String.join(" ", o.description())))).append('\n');
        }
        if (!command.getSubcommands().isEmpty()) {
            s.append(".SH COMMANDS\n");
            command.getSubcommands().forEach((name, sub) -> {
                if (sub.getCommandSpec().usageMessage().hidden()) return;
                s.append(".TP\n.B ").append(escape(name)).append("\n")
                        .append(escape(firstParagraph(sub.getCommandSpec().usageMessage().description())))
                        .append("\nSee \\fBupdate-").append(escape(name)).append("\\fR(1).\n");
            });
        }
        String[] footer = spec.usageMessage().footer();
        if (footer.length > 0) {
            s.append(".SH NOTES\n.nf\n");
            for (String line : footer) s.append(escape(interpolate(line))).append('\n');
            s.append(".fi\n");
        }
        return s.toString();
    }

    /** The help strings use picocli's format placeholders: {@code %n} for a line break, {@code %%} for '%'. */
    private static String interpolate(String line) {
        return line.replace("%n", "\n").replace("%%", "%");
    }

    private static String firstParagraph(String[] description) {
        return description.length == 0 ? "" : interpolate(description[0]);
    }

    /** troff: a backslash is an escape, and a line starting with '.' or '\'' would be a request. */
    private static String escape(String text) {
        String escaped = text.replace("\\", "\\e").replace("-", "\\-");
        StringBuilder s = new StringBuilder();
        for (String line : escaped.split("\n", -1)) {
            if (s.length() > 0) s.append('\n');
            if (line.startsWith(".") || line.startsWith("'")) s.append("\\&");
            s.append(line);
        }
        return s.toString();
    }
}
