package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code update completion SHELL}, loaded into the real shells (bash, zsh and fish are installed by .ci/run). */
class CompletionCommandTest {
    @TempDir
    Path dir;

    private Path script(String shell) throws IOException {
        CliRunner.Result r = CliRunner.run("completion", shell);
        assertEquals(ExitCode.OK, r.exitCode(), r::toString);
        Path file = dir.resolve("update." + shell);
        Files.writeString(file, r.out());
        return file;
    }

    private static List<String> run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the shell did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    @Test
    void bashCompletesSubcommandsAndTheirOptions() throws Exception {
        Path file = script("bash");
        // what bash does on TAB: call the function 'complete' registered for update, with the line so far
        String complete = "source " + file + "; $(complete -p update | sed -E 's/.*-F ([^ ]+).*/\\1/'); "
                + "printf '%s\\n' \"${COMPREPLY[@]}\"";
        List<String> subcommands = run("bash", "-c", "COMP_LINE='update '; COMP_WORDS=(update ''); COMP_CWORD=1; "
                + complete);
        assertTrue(subcommands.containsAll(List.of("pull", "push", "completion")), subcommands::toString);
        assertFalse(subcommands.contains("__train-cds"), "hidden commands are not offered");
        List<String> options = run("bash", "-c", "COMP_LINE='update pull --tar'; COMP_WORDS=(update pull --tar); "
                + "COMP_CWORD=2; " + complete);
        assertTrue(options.contains("--target"), options::toString);
    }

    @Test
    void zshLoadsTheScript() throws Exception {
        Path file = script("zsh");
        List<String> out = run("zsh", "-f", "-c", "autoload -U +X compinit && compinit -u -D; source " + file
                + "; whence -w _picocli_update");
        assertTrue(out.contains("_picocli_update: function"), out::toString);
    }

    @Test
    void fishCompletesSubcommandsAndTheirOptions() throws Exception {
        Path file = script("fish");
        List<String> subcommands = run("fish", "--no-config", "-c", "source " + file + "; complete -C 'update pu'");
        assertTrue(subcommands.stream().anyMatch(l -> l.startsWith("pull\t")), subcommands::toString);
        assertTrue(subcommands.stream().anyMatch(l -> l.startsWith("push\t")), subcommands::toString);
        assertTrue(subcommands.stream().allMatch(l -> l.length() < 100), "descriptions are short: " + subcommands);
        List<String> options = run("fish", "--no-config", "-c", "source " + file
                + "; complete -C 'update pull --tar'");
        assertTrue(options.stream().anyMatch(l -> l.startsWith("--target")), options::toString);
    }

    @Test
    void helpMisspellingsAndShortUsername() {
        CliRunner.Result help = CliRunner.run("help", "push");
        assertEquals(ExitCode.OK, help.exitCode(), help::toString);
        assertTrue(help.out().startsWith("Usage: update push"), help::toString);

        CliRunner.Result subcommand = CliRunner.run("pul", "oci:/x:1", "--target", "t");
        assertEquals(ExitCode.USAGE, subcommand.exitCode());
        assertTrue(subcommand.err().contains("Did you mean: update pull"), subcommand::toString);

        CliRunner.Result option = CliRunner.run("pull", "oci:/x:1", "--taget", "t");
        assertEquals(ExitCode.USAGE, option.exitCode());
        assertTrue(option.err().contains("--target"), option::toString);

        CliRunner.Result shortUser = CliRunner.run("versions", "127.0.0.1:9/acme/app", "-u", "someone");
        assertEquals(ExitCode.USAGE, shortUser.exitCode(), shortUser::toString);
        assertTrue(shortUser.err().contains("--password-stdin"), "-u is --username: " + shortUser);
    }
}
