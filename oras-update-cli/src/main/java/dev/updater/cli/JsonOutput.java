package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** One JSON object per line on standard output: what scripts and CI parse. */
final class JsonOutput {
    private JsonOutput() {}

    static void print(PrintWriter out, ObjectNode node) {
        out.println(new String(Json.writeForDisplay(node), StandardCharsets.UTF_8));
        out.flush();
    }
}
