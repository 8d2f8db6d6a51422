package dev.updater.install;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.SemVer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The state of an install root as read from disk, without taking the lock or recovering anything.
 *
 * @param snapshots earlier versions that can be rolled back to, oldest first
 * @param lastEvent the last complete line of {@code logs/events.jsonl}
 * @param pendingJournal the journal of an operation that has not finished (running now, or interrupted: the next
 *                       {@link Installer#open} recovers it)
 */
public record InstallStatus(Path installRoot, Optional<SemVer> currentVersion, Optional<Digest> currentDigest,
        List<Snapshot> snapshots, Optional<String> lastEvent, Optional<JournalEntry> pendingJournal) {

    public InstallStatus {
        snapshots = List.copyOf(snapshots);
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("installRoot", installRoot.toString());
        ObjectNode current = n.putObject("current");
        currentVersion.ifPresent(v -> current.put("version", v.toString()));
        currentDigest.ifPresent(d -> current.put("digest", d.toString()));
        ArrayNode list = n.putArray("snapshots");
        snapshots.forEach(s -> list.add(s.toJson()));
        lastEvent.ifPresent(line -> n.set("lastEvent", Json.parse(line.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "event")));
        pendingJournal.ifPresent(j -> n.set("pendingJournal", Json.parse(j.toJsonBytes(), "journal")));
        return n;
    }
}
