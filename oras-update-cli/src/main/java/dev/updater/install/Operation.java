package dev.updater.install;

import java.util.Locale;

/** What an entry of the journal or the event log belongs to. */
public enum Operation {
    INSTALL,
    ROLLBACK,
    RECOVERY;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Operation fromJsonName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
