package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.TransferListener;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/** Progress of transfers, rate-limited so a fast link does not drown the terminal or a log collector. */
final class ProgressReporter {
    private ProgressReporter() {}

    static final class Transfer {
        final String label;
        final long total;
        final long startNanos = System.nanoTime();
        final long startBytes;
        long lastReportNanos;

        Transfer(String label, long total, long startBytes) {
            this.label = dev.updater.schema.UntrustedText.escapeAll(label); // file names and target ids from the release
            this.total = total;
            this.startBytes = startBytes;
        }

        double rate(long done) {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            return seconds <= 0 ? 0 : (done - startBytes) / seconds;
        }
    }

    /**
     * A one-line bar per transfer on standard error: percent, bytes, rate, time left. Each redraw returns to the start
     * of the line and pads to the terminal's width less one column, so a shorter line leaves no residue and a line
     * never wraps (a wrapped line would turn each redraw into a new line); on a narrow terminal the bar and then the
     * label shrink first.
     */
    static final class Bar implements TransferListener {
        private static final long INTERVAL = 100_000_000L;
        private final PrintWriter err;
        private final int columns;
        private final Map<Digest, Transfer> transfers = new HashMap<>();

        Bar(PrintWriter err) {
            this(err, TerminalWidth.columns());
        }

        Bar(PrintWriter err, int columns) {
            this.err = err;
            this.columns = Math.max(20, columns);
        }

        @Override
        public synchronized void started(Digest blob, String label, long total, long alreadyHave) {
            transfers.put(blob, new Transfer(label, total, alreadyHave));
            if (alreadyHave > 0) {
                err.printf("%s: resuming at %s of %s%n", label, bytes(alreadyHave), bytes(total));
            }
        }

        @Override
        public synchronized void progressed(Digest blob, long done, long total) {
            Transfer t = transfers.get(blob);
            if (t == null) return;
            long now = System.nanoTime();
            if (now - t.lastReportNanos < INTERVAL && done < total) return;
            t.lastReportNanos = now;
            err.print("\r" + line(t, done, total));
            err.flush();
        }

        /**
         * A label cut to {@code width} in the middle: the end says which chunk or patch it is ("... chunk 10/12"),
         * the start which payload, so two transfers never look alike.
         */
        static String shortened(String label, int width) {
            if (label.length() <= width) return label;
            int tail = (width - 1) / 2;
            int head = width - 1 - tail;
            return label.substring(0, head) + "~" + label.substring(label.length() - tail);
        }

        /** The bar's text, exactly {@code columns - 1} characters. */
        String line(Transfer t, long done, long total) {
            double rate = t.rate(done);
            String eta = rate > 0 ? seconds((total - done) / rate) : "--";
            int percent = total == 0 ? 100 : (int) (100 * done / total);
            // what goes first when the width is short: the time left, then the rate
            String figures = String.format(" %3d%% %s/%s %s/s ETA %s", percent, bytes(done), bytes(total),
                    bytes((long) rate), eta);
            if (columns - 1 - figures.length() < 8) {
                figures = String.format(" %3d%% %s/%s %s/s", percent, bytes(done), bytes(total), bytes((long) rate));
            }
            if (columns - 1 - figures.length() < 8) {
                figures = String.format(" %3d%% %s/%s", percent, bytes(done), bytes(total));
            }
            int room = columns - 1 - figures.length();
            // label, then " [bar]": the bar gets what the label leaves, between 10 and 24 cells, or goes
            int labelWidth = Math.min(t.label.length(), Math.max(8, room - 13));
            int barWidth = Math.min(24, room - labelWidth - 3);
            StringBuilder sb = new StringBuilder();
            sb.append(shortened(t.label, labelWidth));
            if (barWidth >= 10) {
                int filled = total == 0 ? barWidth : (int) (barWidth * done / total);
                sb.append(" [").append("#".repeat(filled)).append(" ".repeat(barWidth - filled)).append(']');
            }
            sb.append(figures);
            if (sb.length() > columns - 1) sb.setLength(columns - 1);
            return sb + " ".repeat(columns - 1 - sb.length());
        }

        @Override
        public synchronized void resumed(Digest blob, long offset, String reason) {
            err.printf("%n%s: connection broke (%s); resuming at %s%n",
                    transfers.containsKey(blob) ? transfers.get(blob).label : blob.shortForm(),
                    dev.updater.schema.UntrustedText.escapeAll(reason), bytes(offset));
        }

        @Override
        public synchronized void finished(Digest blob, long total) {
            if (transfers.containsKey(blob)) {
                progressed(blob, total, total); // the 100 % line, whatever the rate limit
                transfers.remove(blob);
                err.println();
            }
        }
    }

    /** JSON lines on standard output, at most two a second per transfer, plus start and finish. */
    static final class JsonLines implements TransferListener {
        private static final long INTERVAL = 500_000_000L;
        private final PrintWriter out;
        private final Map<Digest, Transfer> transfers = new HashMap<>();

        JsonLines(PrintWriter out) {
            this.out = out;
        }

        private void emit(String phase, Digest blob, Transfer t, long done) {
            ObjectNode n = Json.object();
            n.put("event", "progress");
            n.put("phase", phase);
            n.put("blob", blob.toString());
            n.put("label", t.label);
            n.put("bytes", done);
            n.put("total", t.total);
            n.put("bytesPerSecond", (long) t.rate(done));
            JsonOutput.print(out, n);
        }

        @Override
        public synchronized void started(Digest blob, String label, long total, long alreadyHave) {
            Transfer t = new Transfer(label, total, alreadyHave);
            transfers.put(blob, t);
            emit("started", blob, t, alreadyHave);
        }

        @Override
        public synchronized void progressed(Digest blob, long done, long total) {
            Transfer t = transfers.get(blob);
            long now = System.nanoTime();
            if (t == null || now - t.lastReportNanos < INTERVAL) return;
            t.lastReportNanos = now;
            emit("transferring", blob, t, done);
        }

        @Override
        public synchronized void resumed(Digest blob, long offset, String reason) {
            Transfer t = transfers.get(blob);
            if (t != null) emit("resuming", blob, t, offset);
        }

        @Override
        public synchronized void finished(Digest blob, long total) {
            Transfer t = transfers.remove(blob);
            if (t != null) emit("finished", blob, t, total);
        }
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format("%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format("%.1f MiB", n / (1024.0 * 1024));
        return String.format("%.2f GiB", n / (1024.0 * 1024 * 1024));
    }

    static String seconds(double s) {
        long t = (long) Math.ceil(s);
        return t >= 3600 ? String.format("%dh%02dm", t / 3600, (t % 3600) / 60)
                : t >= 60 ? String.format("%dm%02ds", t / 60, t % 60) : t + "s";
    }
}
