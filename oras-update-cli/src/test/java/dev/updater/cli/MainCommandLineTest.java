package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainCommandLineTest {
    @Test
    void aSubcommandBuiltAloneBehavesAsInTheWholeTree() {
        CommandLine whole = new CommandLine(new UpdateCommand());
        assertTrue(whole.getSubcommands().size() > 5, "the tree lists the subcommands");
        for (var entry : whole.getSubcommands().entrySet()) {
            if (entry.getKey().equals("help")) continue; // describes the others: gets the whole tree (below)
            CommandLine alone = Main.commandLine(new String[] {entry.getKey(), "--help"});
            assertEquals(1, alone.getSubcommands().size(), "only " + entry.getKey() + " is built");
            CommandLine sub = alone.getSubcommands().get(entry.getKey());
            assertEquals(entry.getValue().getCommandSpec().qualifiedName(), sub.getCommandSpec().qualifiedName());
            assertEquals(entry.getValue().getUsageMessage(), sub.getUsageMessage(), entry.getKey());
        }
    }

    @Test
    void anythingButASubcommandNameFirstGetsTheWholeTree() {
        int all = new CommandLine(new UpdateCommand()).getSubcommands().size();
        assertEquals(all, Main.commandLine(new String[] {"--help"}).getSubcommands().size());
        assertEquals(all, Main.commandLine(new String[] {"pach", "a", "b", "c"}).getSubcommands().size());
        assertEquals(all, Main.commandLine(new String[0]).getSubcommands().size());
        assertEquals(all, Main.commandLine(new String[] {"help", "pull"}).getSubcommands().size());
    }

    @Test
    void usageErrorsNameTheFullCommand() {
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"patch", "--no-such-option"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertEquals(ExitCode.USAGE, code);
        assertTrue(err.toString().contains("Try 'update patch --help'"), err.toString());
    }
}
