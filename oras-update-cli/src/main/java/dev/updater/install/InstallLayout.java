package dev.updater.install;

import dev.updater.schema.SemVer;
import java.nio.file.Path;

/**
 * Where everything lives under an install root:
 * <pre>
 * DIR/versions/&lt;version&gt;/...        one directory per installed version (never modified once renamed in)
 * DIR/current -&gt; versions/&lt;version&gt;  the active version (a relative symlink, replaced by rename)
 * DIR/.updater/journal               the state of the running (or interrupted) operation
 * DIR/.updater/installed/&lt;v&gt;.json    what each version directory must contain (files, modes, hashes)
 * DIR/.updater/snapshots/&lt;v&gt;.json    earlier versions that can be rolled back to; latest.json = newest
 * DIR/.updater/logs/rollback.log     one JSON line per rollback
 * DIR/.updater/logs/events.jsonl     one JSON line per state transition
 * DIR/.updater/downloads/            payloads being fetched
 * DIR/.updater/lock                  held (fcntl lock) by the one updater working on this root
 * </pre>
 */
public record InstallLayout(Path root) {
    static final String STAGING_PREFIX = ".staging-";
    static final String TRASH_PREFIX = ".trash-";
    static final String LINK_TEMP_PREFIX = ".current-";

    public InstallLayout {
        root = root.toAbsolutePath().normalize();
    }

    public Path versions() {
        return root.resolve("versions");
    }

    public Path versionDir(SemVer version) {
        return versions().resolve(version.toString());
    }

    /** The symlink's target as stored: relative, so that the install root can be moved or mounted elsewhere. */
    static Path linkTarget(SemVer version) {
        return Path.of("versions", version.toString());
    }

    public Path current() {
        return root.resolve("current");
    }

    public Path stateDir() {
        return root.resolve(".updater");
    }

    public Path journal() {
        return stateDir().resolve("journal");
    }

    public Path installedRecords() {
        return stateDir().resolve("installed");
    }

    public Path installedRecord(SemVer version) {
        return installedRecords().resolve(version + ".json");
    }

    public Path snapshots() {
        return stateDir().resolve("snapshots");
    }

    public Path snapshot(SemVer version) {
        return snapshots().resolve(version + ".json");
    }

    public Path latestSnapshot() {
        return snapshots().resolve("latest.json");
    }

    public Path logs() {
        return stateDir().resolve("logs");
    }

    public Path rollbackLog() {
        return logs().resolve("rollback.log");
    }

    public Path eventsLog() {
        return logs().resolve("events.jsonl");
    }

    public Path healthLog() {
        return logs().resolve("health.log");
    }

    public Path downloads() {
        return stateDir().resolve("downloads");
    }

    public Path lockFile() {
        return stateDir().resolve("lock");
    }

    Path staging(SemVer version) {
        return versions().resolve(STAGING_PREFIX + version);
    }
}
