package dev.updater.pull;

import dev.updater.registry.TransferListener;
import java.nio.file.Path;

/**
 * How a pull transfers: where partial downloads are kept between runs (named by digest, so a rerun resumes), and
 * after how long without data a connection counts as dead. How often a broken transfer is retried and resumed within
 * a run is the store's transport's one retry policy ({@code RetryPolicy}), not a setting of the pull.
 */
public record PullOptions(Path downloadsDir, long stallMillis, TransferListener listener) {
    public PullOptions {
        if (downloadsDir == null) throw new IllegalArgumentException("a downloads directory is required");
        if (stallMillis < 1) throw new IllegalArgumentException("stall timeout must be positive");
        listener = listener == null ? TransferListener.NONE : listener;
    }

    public PullOptions withListener(TransferListener l) {
        return new PullOptions(downloadsDir, stallMillis, l);
    }

    public static Path defaultStateDir() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local",
                "state");
        return base.resolve("update");
    }

    public static PullOptions defaults(Path stateDir) {
        return new PullOptions(stateDir.resolve("downloads"), 30_000, TransferListener.NONE);
    }
}
