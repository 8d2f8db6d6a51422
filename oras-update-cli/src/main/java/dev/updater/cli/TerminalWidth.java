package dev.updater.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The width of the terminal standard error is on: {@code COLUMNS}, else {@code stty size} on the tty, else 80. */
final class TerminalWidth {
    private TerminalWidth() {}

    static final int DEFAULT = 80;

    static int columns() {
        String env = System.getenv("COLUMNS");
        if (env != null && env.matches("[0-9]{1,4}") && Integer.parseInt(env) > 0) return Integer.parseInt(env);
        File tty = new File("/dev/tty");
        if (!tty.canRead()) return DEFAULT;
        try {
            // the JDK has no call for it; stty reads the size the terminal (tmux, ssh, a console) set on the tty
            Process p = new ProcessBuilder("stty", "size").redirectInput(ProcessBuilder.Redirect.from(tty))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(1, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return DEFAULT;
            }
            String[] rowsColumns = new String(p.getInputStream().readNBytes(64), StandardCharsets.US_ASCII).trim()
                    .split("\\s+");
            if (rowsColumns.length == 2 && rowsColumns[1].matches("[0-9]{1,4}")) {
                int columns = Integer.parseInt(rowsColumns[1]);
                if (columns > 0) return columns;
            }
        } catch (java.io.IOException e) {
            return DEFAULT; // no stty: the common width
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DEFAULT;
    }
}
