package dev.updater.pull;

import dev.updater.registry.TransferListener;
import java.nio.file.Path;

/**
 * How a pull transfers: where partial downloads are kept between runs (named by digest, so a rerun resumes), how
 * many times a broken transfer is resumed in one run, and after how long without data a connection counts as dead.
 */
public record PullOptions(Path downloadsDir, int transferAttempts, long stallMillis, TransferListener listener) {
    public PullOptions {
        if (downloadsDir == null) throw new IllegalArgumentException("a downloads directory is required");
        if (transferAttempts < 1) throw new IllegalArgumentException("at least one attempt");
        if (stallMillis < 1) throw new IllegalArgumentException("stall timeout must be positive");
        listener = listener == null ? TransferListener.NONE : listener;
    }

    public PullOptions withListener(TransferListener l) {
        return new PullOptions(downloadsDir, transferAttempts, stallMillis, l);
    }

    public static Path defaultStateDir() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local",
                "state");
        return base.resolve("update");
    }

    public static PullOptions defaults(Path stateDir) {
        return new PullOptions(stateDir.resolve("downloads"), 8, 30_000, TransferListener.NONE);
    }
}
