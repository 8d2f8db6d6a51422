package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainCommandLineTest {
    /**
     * picocli formats descriptions as format strings: a lone {@code %} makes it print a warning on standard error
     * and show the raw text (as {@code update diff --help} once did three times, for "2-9% smaller").
     */
    @Test
    void everyHelpFormatsWithoutPicocliWarnings() {
        java.io.PrintStream realErr = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        StringBuilder help = new StringBuilder();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            java.util.ArrayDeque<CommandLine> commands = new java.util.ArrayDeque<>();
            commands.add(new CommandLine(new UpdateCommand()));
            while (!commands.isEmpty()) {
                CommandLine command = commands.remove();
                help.append(command.getUsageMessage());
                commands.addAll(command.getSubcommands().values());
            }
        } finally {
            System.setErr(realErr);
        }
        String warnings = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("", warnings);
        assertTrue(help.indexOf("%n") < 0 && help.indexOf("%%") < 0, "a format escape was printed as is");
        assertTrue(help.indexOf("2-9% smaller") >= 0, "the diff help names the sizes");
    }

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

    @Test
    void aFileSystemRefusalThatNoCodePathTypedIsStillLocalStateButOtherUntypedFailuresAreBugs() {
        var full = new java.io.UncheckedIOException(new java.nio.file.FileSystemException("/var/lib/x", null,
                "No space left on device"));
        var refusal = Main.fileSystemRefusal(new IllegalStateException("wrapped", full)).orElseThrow();
        assertEquals(dev.updater.schema.Failure.STATE, refusal.failure());
        assertTrue(refusal.getMessage().startsWith("cannot use /var/lib/x: No space left on device; the file system"
                + " is full"), refusal.getMessage());
        assertTrue(Main.fileSystemRefusal(new java.nio.file.AccessDeniedException("/etc/x")).isPresent());
        assertTrue(Main.fileSystemRefusal(new IllegalStateException("a bug")).isEmpty());
        assertTrue(Main.fileSystemRefusal(new java.io.UncheckedIOException(new java.io.IOException("Broken pipe")))
                .isEmpty(), "only the file system's own refusals are excused");
    }
}
