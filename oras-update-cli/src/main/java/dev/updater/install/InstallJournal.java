package dev.updater.install;

import dev.updater.registry.LocalFileException;
import dev.updater.registry.io.Durable;
import dev.updater.schema.Failure;
import dev.updater.schema.Json;
import dev.updater.schema.ManifestFormatException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The running operation's {@link JournalEntry}, kept in memory and in {@code .updater/journal}, and the events it
 * appends to {@code logs/events.jsonl} (and hands to the {@link InstallListener}). Every state is written durably
 * before the work it names starts: that is what lets {@link Recovery} finish or undo an interrupted operation.
 */
final class InstallJournal {
    private final InstallLayout layout;
    private final Optional<InstallListener> listener;
    private JournalEntry entry;

    InstallJournal(InstallLayout layout, Optional<InstallListener> listener) {
        this.layout = layout;
        this.listener = listener;
    }

    /** The operation running now (or last run by this installer). */
    JournalEntry entry() {
        return entry;
    }

    /** Makes {@code next} the running operation without writing it: its first {@link #transition} does. */
    void adopt(JournalEntry next) {
        entry = next;
    }

    /** Makes {@code next} the running operation and writes it durably. */
    void begin(JournalEntry next) throws IOException {
        entry = next;
        write();
    }

    /** Writes the next state to the journal (durably), then logs the event; only then does its work start. */
    void transition(InstallState state, int attempt, String note, long bytes) throws IOException {
        enter(state, attempt, note);
        emit(entry, state, bytes, Optional.empty(), note);
        CrashHooks.point("journal:" + state.jsonName());
    }

    /** Moves the running operation to {@code state} and writes it durably, without an event. */
    void enter(InstallState state, int attempt, String note) throws IOException {
        entry = entry.enter(state, attempt, note);
        write();
    }

    /** Ends the running operation in {@code terminal} (written durably, no event). */
    void finish(InstallState terminal, String note) throws IOException {
        enter(terminal, entry.attempt(), note);
    }

    /** Appends one event for {@code about} to the events log, then tells the listener. */
    void emit(JournalEntry about, InstallState state, long bytes, Optional<Failure> error, String message) {
        InstallEvent event = new InstallEvent(Instant.now(), about.operationId(), about.operation(), state,
                about.attempt(), about.fromVersion(), about.fromDigest(), about.toVersion(), about.toDigest(), bytes,
                error, message);
        try {
            Durable.appendLine(layout.eventsLog(), event.toJsonLine(), false);
        } catch (LocalFileException e) {
            throw new InstallIoException(e.getMessage(), e);
        }
        listener.ifPresent(l -> l.onEvent(event));
    }

    /** {@link #emit} about the running operation. */
    void emit(InstallState state, long bytes, Optional<Failure> error, String message) {
        emit(entry, state, bytes, error, message);
    }

    private void write() {
        Durable.write(layout.journal(), entry.toJsonBytes());
    }

    /** The journal on disk, if there is one. */
    static Optional<JournalEntry> read(InstallLayout layout) throws IOException {
        return Files.isRegularFile(layout.journal())
                ? Optional.of(JournalEntry.fromJson(Files.readAllBytes(layout.journal()))) : Optional.empty();
    }

    /** The last complete JSON line of a log (a crash may have torn the very last one). */
    static Optional<String> lastLine(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return Optional.empty();
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            int tail = (int) Math.min(length, 256 * 1024);
            byte[] bytes = new byte[tail];
            file.seek(length - tail);
            file.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                String line = lines[i].strip();
                if (line.isEmpty()) continue;
                try {
                    Json.parse(line.getBytes(StandardCharsets.UTF_8), "event");
                    return Optional.of(line);
                } catch (ManifestFormatException e) {
                    // torn by a crash: look further back
                }
            }
        }
        return Optional.empty();
    }
}
