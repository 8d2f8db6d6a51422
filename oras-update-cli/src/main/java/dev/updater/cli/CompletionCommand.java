package dev.updater.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script for update's subcommands and options.", ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  source <(update completion bash)                               # bash, this shell",
            "  update completion bash > /etc/bash_completion.d/update         # bash, every shell",
            "  update completion zsh > \"${fpath[1]}/_update\"                  # zsh",
            "  update completion fish > ~/.config/fish/completions/update.fish  # fish"})
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh, fish }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash, zsh or fish.")
    Shell shell;

    @Override
    public Integer call() {
        // the whole tree, whatever was built for this call
        CommandLine tree = new CommandLine(new UpdateCommand());
        PrintWriter out = spec.commandLine().getOut();
        switch (shell) {
            // picocli's script runs in zsh too, through bashcompinit, which it loads itself
            case bash, zsh -> out.print(AutoComplete.bash("update", tree));
            case fish -> out.print(fish(tree));
        }
        out.flush();
        return ExitCode.OK;
    }

    /** fish's {@code complete} lines: subcommands first, then each subcommand's options (values where they take one). */
    static String fish(CommandLine tree) {
        StringBuilder s = new StringBuilder("# fish completion for update (update completion fish)\n");
        s.append("complete -c update -f\n");
        tree.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().usageMessage().hidden()) return;
            s.append("complete -c update -n __fish_use_subcommand -a ").append(name)
                    .append(" -d ").append(quote(firstLine(sub.getCommandSpec()))).append('\n');
        });
        tree.getSubcommands().forEach((name, sub) -> {
            for (OptionSpec option : sub.getCommandSpec().options()) {
                if (option.hidden()) continue;
                s.append("complete -c update -n '__fish_seen_subcommand_from ").append(name).append('\'');
                for (String n : option.names()) {
                    if (n.startsWith("--")) s.append(" -l ").append(n.substring(2));
                    else if (n.startsWith("-") && n.length() == 2) s.append(" -s ").append(n.substring(1));
                }
                if (option.arity().max() > 0) s.append(" -r -F");
                String[] description = option.description();
                if (description.length > 0) s.append(" -d ").append(quote(firstSentence(description[0])));
                s.append('\n');
            }
        });
        return s.toString();
    }

    private static String firstLine(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        return d.length == 0 ? "" : firstSentence(d[0]);
    }

    /** A short description as fish shows it beside a candidate: the text up to the first stop, at most 72 chars. */
    private static String firstSentence(String text) {
        String sentence = text.replace("%n", " ");
        for (String stop : new String[] {". ", ": ", "; ", " ("}) {
            int end = sentence.indexOf(stop);
            if (end > 0) sentence = sentence.substring(0, end);
        }
        if (sentence.endsWith(".")) sentence = sentence.substring(0, sentence.length() - 1);
        return sentence.length() <= 72 ? sentence : sentence.substring(0, 71) + "\u2026";
    }

    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
