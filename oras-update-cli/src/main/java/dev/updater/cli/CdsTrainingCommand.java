package dev.updater.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * Run once at build time under {@code -XX:ArchiveClassesAtExit}: exercises the common commands on a throw-away OCI
 * layout so that the class-data sharing archive holds the classes a device's calls load, not only those of
 * {@code update version}. Hidden: not for users.
 */
@Command(name = "__train-cds", hidden = true)
final class CdsTrainingCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("update-cds");
            Path v1 = Files.writeString(dir.resolve("app"), "one\n".repeat(2000));
            String layout = "oci:" + dir.resolve("layout");
            PrintWriter sink = new PrintWriter(Writer.nullWriter());
            String state = dir.resolve("state").toString();
            Main.run(new String[] {"push", layout, "--version", "1.0.0", "--target", "t=" + v1, "--json"}, sink,
                    sink);
            Files.writeString(v1, "two\n".repeat(2000));
            Main.run(new String[] {"push", layout, "--version", "1.1.0", "--target", "t=" + v1, "--channel",
                "stable", "--json"}, sink, sink);
            Main.run(new String[] {"pull", layout + ":stable", "--target", "t", "--output",
                dir.resolve("out").toString(), "--state-dir", state, "--json"}, sink, sink);
            Main.run(new String[] {"inspect", layout + ":stable", "--json"}, sink, sink);
            Main.run(new String[] {"versions", layout}, sink, sink);
            Main.run(new String[] {"pull", "--help"}, sink, sink);
            return ExitCode.OK;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // temp files
                }
            }
        }
    }
}
