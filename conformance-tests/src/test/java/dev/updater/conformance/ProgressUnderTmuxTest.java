package dev.updater.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The progress bar on a real terminal: the built CLI pushes and pulls a large payload inside tmux at 80 and 120
 * columns, and the screen (capture-pane) shows one finished line per transfer, none wider than the terminal and none
 * left half-drawn — a bar that wrapped or did not clear would leave a line per redraw.
 */
class ProgressUnderTmuxTest {
    @RegisterExtension
    static final LocalRegistry.PerClass registry = LocalRegistry.perClass();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {80, 120})
    void barsFitTheTerminalAndEndAtOneHundredPercent(int columns) throws Exception {
        byte[] payload = new byte[96 << 20];
        new Random(columns).nextBytes(payload);
        Path file = dir.resolve("thermostat-firmware-image-for-the-esp32.bin");
        Files.write(file, payload);
        String repo = registry.hostPort() + "/progress/w" + columns;
        Path done = dir.resolve("done");
        String launcher = Cli.launcher().toString();
        String script = String.join(" && ",
                "'" + launcher + "' push " + repo + " --plain-http --version 1.0.0 --target esp32-v4.2=" + file,
                "'" + launcher + "' pull " + repo + ":1.0.0 --plain-http --target esp32-v4.2 --output "
                        + dir.resolve("out.bin") + " --state-dir " + dir.resolve("state"))
                + "; echo $? > " + done + "; sleep 600";
        String session = "update-progress-" + columns + "-" + ProcessHandle.current().pid();
        tmux("new-session", "-d", "-s", session, "-x", Integer.toString(columns), "-y", "50", "bash", "-c", script);
        try {
            long deadline = System.nanoTime() + 240_000_000_000L;
            while (!Files.exists(done) || Files.readString(done).isBlank()) {
                assertTrue(System.nanoTime() < deadline, "the push and pull did not end within 240 s");
                Thread.sleep(200);
            }
            assertEquals("0", Files.readString(done).trim(), () -> "exit status; screen:\n" + screen(session));
            String screen = screen(session);
            List<String> lines = Arrays.stream(screen.split("\n")).filter(l -> !l.isBlank()).toList();
            for (String line : lines) {
                assertTrue(line.length() <= columns, () -> "wider than " + columns + ": '" + line + "'");
            }
            List<String> bars = lines.stream().filter(l -> l.contains("/s") || l.contains("%")).toList();
            assertTrue(bars.size() >= 2, () -> "a bar for the upload and one for the download:\n" + screen);
            for (String bar : bars) {
                assertTrue(bar.contains("100%"), () -> "a bar left half-drawn or wrapped: '" + bar + "'\n" + screen);
            }
            // a payload stored as chunks has a line per chunk; the label's end tells them apart
            assertTrue(bars.stream().anyMatch(l -> l.contains("12/12")), () -> "the label keeps its end:\n"
                    + screen);
        } finally {
            tmux("kill-session", "-t", session);
        }
    }

    private static String screen(String session) {
        return tmux("capture-pane", "-p", "-t", session).out();
    }

    private static Cli.Result tmux(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("tmux", "-L", "update-tests"));
        command.addAll(List.of(args));
        Cli.Result r = Cli.run(command, Map.of("TERM", "xterm-256color"));
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }
}
