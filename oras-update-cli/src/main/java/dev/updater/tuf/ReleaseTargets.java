package dev.updater.tuf;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.VerifiedManifest;
import dev.updater.schema.Json;
import dev.updater.schema.SemVer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Releases as TUF targets: the target file of a release is its release manifest (sha256 and length of its exact
 * bytes). A release is listed under {@code <product>/<version>} and, for each channel it was pushed to, under
 * {@code <product>/channels/<channel>}; a device resolves a version or channel through these signed entries only.
 */
public final class ReleaseTargets {
    private ReleaseTargets() {}

    public static String versionPath(String product, SemVer version) {
        return product + "/" + version;
    }

    public static String channelPath(String product, String channel) {
        return product + "/channels/" + channel;
    }

    /** The target path a pull reference's tag stands for: a version tag ({@code +} written {@code _}) or a channel. */
    public static String pathForTag(String product, String tag) {
        return SemVer.fromTag(tag).map(v -> versionPath(product, v)).orElse(channelPath(product, tag));
    }

    /** The entries that list {@code manifest} under its version path and each channel path. */
    public static Map<String, ObjectNode> entriesFor(String product, SemVer version, VerifiedManifest manifest,
            Collection<String> targetIds, List<String> channels) {
        ObjectNode entry = Json.object();
        entry.put("length", manifest.bytes().length);
        entry.putObject("hashes").put("sha256", manifest.digest().hex());
        ObjectNode custom = entry.putObject("custom");
        ArrayNode ids = custom.putArray("targetIds");
        targetIds.stream().sorted().forEach(ids::add);
        custom.put("version", version.toString());
        ArrayNode channelList = custom.putArray("channels");
        channels.forEach(channelList::add);
        custom.put("manifestDigest", manifest.digest().toString());
        Map<String, ObjectNode> entries = new LinkedHashMap<>();
        entries.put(versionPath(product, version), entry);
        for (String channel : channels) entries.put(channelPath(product, channel), entry.deepCopy());
        return entries;
    }
}
