package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.pull.DeviceUpdater;
import dev.updater.pull.UpdateDecision;
import dev.updater.schema.UntrustedText;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.function.ToLongBiFunction;

/** How {@code update pull --install-root} reports a release the rollout stage held back (kept out of PullCommand). */
final class DeviceUpdate {
    private DeviceUpdate() {}

    /**
     * Up to date and available go on to the installer, which reports an already current version (or refuses a
     * downgrade) as it always did; only the rollout's own outcomes stop the pull here.
     */
    static boolean installs(UpdateDecision decision) {
        return decision.status() == UpdateDecision.Status.AVAILABLE
                || decision.status() == UpdateDecision.Status.UP_TO_DATE;
    }

    /** @param prefetch downloads the payload when the install is deferred (returns its size) */
    static void reportNotInstalled(DeviceUpdater.Decided decided,
            Optional<ToLongBiFunction<DeviceUpdater.Decided, String>> prefetch, String target, boolean json,
            PrintWriter out, PrintWriter err) {
        UpdateDecision d = decided.decision();
        d.warning().ifPresent(w -> err.println("update: warning: " + UntrustedText.escapeAll(w)));
        long prefetched = -1;
        if (prefetch.isPresent() && d.status() == UpdateDecision.Status.DEFERRED) {
            prefetched = prefetch.get().applyAsLong(decided, target);
        }
        if (json) {
            ObjectNode n = dev.updater.schema.Json.object();
            n.put("result", d.status().jsonName());
            n.put("status", d.status().jsonName());
            n.put("candidateVersion", d.candidate().version().toString());
            n.put("releaseDigest", d.candidate().release().toString());
            n.put("reason", d.reason());
            if (prefetched >= 0) n.put("prefetchedBytes", prefetched);
            JsonOutput.print(out, n);
        } else {
            out.println("Not installing " + d.candidate().version() + " (" + d.status().jsonName() + "): "
                    + d.reason() + (prefetched >= 0 ? "; payload prefetched (" + prefetched + " bytes), the install "
                    + "inside the window downloads none" : ""));
        }
    }
}
