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

    private static final class Transfer {
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

    /** A one-line bar per transfer on standard error: percent, bytes, rate, time left. */
    static final class Bar implements TransferListener {
        private static final long INTERVAL = 100_000_000L;
        private final PrintWriter err;
        private final Map<Digest, Transfer> transfers = new HashMap<>();

        Bar(PrintWriter err) {
            this.err = err;
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
            double rate = t.rate(done);
            String eta = rate > 0 ? seconds((total - done) / rate) : "--";
            int width = 24;
            int filled = total == 0 ? width : (int) (width * done / total);
            err.printf("\r%-24.24s [%s%s] %3d%% %9s/%-9s %9s/s ETA %s ", t.label, "#".repeat(filled),
                    " ".repeat(width - filled), total == 0 ? 100 : (int) (100 * done / total), bytes(done),
                    bytes(total), bytes((long) rate), eta);
            err.flush();
        }

        @Override
        public synchronized void resumed(Digest blob, long offset, String reason) {
            err.printf("%n%s: connection broke (%s); resuming at %s%n",
                    transfers.containsKey(blob) ? transfers.get(blob).label : blob.shortForm(),
                    dev.updater.schema.UntrustedText.escapeAll(reason), bytes(offset));
        }

        @Override
        public synchronized void finished(Digest blob, long total) {
            Transfer t = transfers.remove(blob);
            if (t != null) {
                progressed(blob, total, total);
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
