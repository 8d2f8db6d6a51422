package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.pull.UpdateDecision;
import dev.updater.schema.UntrustedText;
import java.io.PrintWriter;
import java.util.OptionalLong;

/** How {@code update pull --install-root} reports a release the rollout stage held back (kept out of PullCommand). */
final class DeviceUpdate {
    private DeviceUpdate() {}

    /**
     * A pull the poll cache answered (nothing changed since the last full check): the current version, or the
     * rollout's or window's "not now", reported as a decision ({@code result} is the status, e.g. up-to-date).
     */
    static void reportPolled(UpdateDecision d, boolean json, PrintWriter out, PrintWriter err) {
        d.warning().ifPresent(w -> err.println("update: warning: " + UntrustedText.escapeAll(w)));
        print(d, -1, true, json, out);
    }

    /** @param prefetched the payload bytes downloaded and verified now (--prefetch of a deferred release) */
    static void reportNotInstalled(UpdateDecision d, OptionalLong prefetched, boolean json, PrintWriter out,
            PrintWriter err) {
        d.warning().ifPresent(w -> err.println("update: warning: " + UntrustedText.escapeAll(w)));
        print(d, prefetched.orElse(-1), false, json, out);
    }

    private static void print(UpdateDecision d, long prefetched, boolean cacheHit, boolean json, PrintWriter out) {
        if (json) {
            ObjectNode n = dev.updater.schema.Json.object();
            n.put("result", d.status().jsonName());
            n.put("status", d.status().jsonName());
            n.put("candidateVersion", d.candidate().version().toString());
            n.put("releaseDigest", d.candidate().release().toString());
            n.put("reason", d.reason());
            if (prefetched >= 0) n.put("prefetchedBytes", prefetched);
            if (cacheHit) n.put("pollCache", "hit");
            JsonOutput.print(out, n);
        } else {
            out.println((d.status() == UpdateDecision.Status.UP_TO_DATE ? "version " + d.candidate().version()
                    + " is already current; nothing to do: " : "Not installing " + d.candidate().version() + " ("
                    + d.status().jsonName() + "): ") + d.reason()
                    + (prefetched >= 0 ? "; payload prefetched (" + prefetched + " bytes), the install inside the "
                    + "window downloads none" : "") + (cacheHit ? " (nothing changed since the last poll)" : ""));
        }
    }
}
