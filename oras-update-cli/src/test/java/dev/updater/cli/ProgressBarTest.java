package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.schema.Digest;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The bar fits the terminal: every redraw is exactly one column short of the width, so it neither wraps nor leaves residue. */
class ProgressBarTest {
    private static final Digest BLOB = Digest.of(new byte[] {1});

    private static String redraws(int columns, String label, long... points) {
        StringWriter text = new StringWriter();
        ProgressReporter.Bar bar = new ProgressReporter.Bar(new PrintWriter(text), columns);
        bar.started(BLOB, label, 1L << 30, 0);
        for (long done : points) bar.progressed(BLOB, done, 1L << 30);
        bar.finished(BLOB, 1L << 30);
        return text.toString();
    }

    @Test
    void everyRedrawIsOneColumnShortOfTheWidth() {
        for (int columns : new int[] {40, 80, 120}) {
            String out = redraws(columns, "payload linux-amd64 (thermostatd-with-a-long-name.bin)", 0, 1L << 29);
            String[] draws = out.split("\r", -1);
            assertTrue(draws.length >= 2, out);
            for (int i = 1; i < draws.length; i++) {
                String draw = draws[i].replace("\n", "");
                assertEquals(columns - 1, draw.length(), () -> columns + " columns: '" + draw + "'");
            }
            assertEquals(1, out.chars().filter(c -> c == '\n').count(), "one line in all, ended when finished");
        }
    }

    @Test
    void wideTerminalsShowTheWholeLabelAndTheBar() {
        String out = redraws(120, "fw.bin", 1L << 29);
        assertTrue(out.contains("fw.bin ["), out);
        assertTrue(out.contains("100%"), out);
    }

    @Test
    void narrowTerminalsShortenTheLabelAndDropTheBarBeforeTheFigures() {
        String out = redraws(40, "payload linux-amd64 (thermostatd.bin)", 1L << 29);
        assertFalse(out.contains("["), out);
        assertTrue(out.contains("~"), "the label is cut visibly: " + out);
        assertTrue(out.contains("100%"), out);
    }
}
