package dev.updater.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import java.util.Locale;
import java.util.Optional;

/** One entry of a version directory as installed: what a later check must find there again. */
public record InstalledFile(String path, Type type, int mode, long size, Optional<Digest> sha256,
        Optional<String> linkTarget) {

    public enum Type { FILE, DIRECTORY, SYMLINK }

    public InstalledFile {
        if (path == null || path.isEmpty() || path.startsWith("/")) throw new IllegalArgumentException("bad path");
        if (type == null) throw new IllegalArgumentException("an installed file needs a type");
        if (type == Type.FILE && sha256.isEmpty()) throw new IllegalArgumentException("a file needs its sha256");
        if (type == Type.SYMLINK && linkTarget.isEmpty()) throw new IllegalArgumentException("a link needs a target");
    }

    ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("path", path);
        n.put("type", type.name().toLowerCase(Locale.ROOT));
        n.put("mode", String.format("%04o", mode));
        n.put("size", size);
        sha256.ifPresent(d -> n.put("sha256", d.toString()));
        linkTarget.ifPresent(t -> n.put("linkTarget", t));
        return n;
    }

    static InstalledFile fromJson(JsonNode n) {
        return new InstalledFile(n.path("path").asText(), Type.valueOf(n.path("type").asText().toUpperCase(Locale.ROOT)),
                Integer.parseInt(n.path("mode").asText(), 8), n.path("size").asLong(),
                n.hasNonNull("sha256") ? Optional.of(Digest.parse(n.get("sha256").asText())) : Optional.empty(),
                n.hasNonNull("linkTarget") ? Optional.of(n.get("linkTarget").asText()) : Optional.empty());
    }
}
