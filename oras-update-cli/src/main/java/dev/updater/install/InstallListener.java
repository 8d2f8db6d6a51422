package dev.updater.install;

/** Receives every event the installer appends to {@code logs/events.jsonl}, as it happens (the CLI's --json). */
@FunctionalInterface
public interface InstallListener {
    void onEvent(InstallEvent event);
}
