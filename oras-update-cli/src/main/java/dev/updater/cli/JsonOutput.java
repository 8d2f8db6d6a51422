package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Failure;
import dev.updater.schema.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One JSON object per line on standard output: what scripts and CI parse. The contract of every line is a JSON Schema
 * in {@code dev/updater/cli/json/} (one per command, plus the error object), and every line carries
 * {@link #SCHEMA_VERSION} first, so a script can refuse a shape it was not written for.
 */
final class JsonOutput {
    private JsonOutput() {}

    /** Bumped only when a field is removed or changes meaning; new fields keep the version. */
    static final int SCHEMA_VERSION = 1;

    static void print(PrintWriter out, ObjectNode node) {
        ObjectNode line = Json.object();
        line.put("schemaVersion", SCHEMA_VERSION);
        node.fields().forEachRemaining(field -> {
            if (!field.getKey().equals("schemaVersion")) line.set(field.getKey(), field.getValue());
        });
        out.println(new String(Json.writeForDisplay(line), StandardCharsets.UTF_8));
        out.flush();
    }

    /** The one object a failed command prints with {@code --json}: {@code {"error": {...}}}. */
    static void error(PrintWriter out, int exitCode, Failure failure, String message) {
        ObjectNode n = Json.object();
        ObjectNode error = n.putObject("error");
        error.put("exitCode", exitCode);
        error.put("kind", failure.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        error.put("message", message);
        error.put("hint", hint(failure));
        print(out, n);
    }

    /**
     * An install step on standard output: the event log's line marked {@code "event": "install"}. A line is an event
     * when it has {@code "event"}; otherwise {@code "error"} means the command failed, and anything else is its result.
     */
    static ObjectNode installEvent(dev.updater.install.InstallEvent e) {
        ObjectNode n = Json.object();
        n.put("event", "install");
        n.setAll(e.toJson());
        return n;
    }

    /** What to do next, by kind; the message itself says what failed and, where it knows, the precise fix. */
    static String hint(Failure failure) {
        return switch (failure) {
            case USAGE -> "check the command line: update help COMMAND";
            case NOT_FOUND -> "check the reference, tag and target: update versions REPO lists what exists";
            case VERIFICATION -> "nothing was installed; check keys and trust, or report a tampered release";
            case NETWORK -> "check the registry's address and the network, then run the command again (transfers"
                    + " resume)";
            case AUTH -> "check the credentials: update login REGISTRY, or -u USER --password-stdin";
            case STATE -> "local state or a policy stopped it (a disk, the install lock, a downgrade, a trust or"
                    + " signing rule): the message names which and the flag or step that resolves it";
            case HEALTH_CHECK -> "the previous version was restored; check the new version's health command";
            case INTERNAL -> "this is a bug: run again with UPDATE_DEBUG=1 and report the stack trace";
        };
    }
}
