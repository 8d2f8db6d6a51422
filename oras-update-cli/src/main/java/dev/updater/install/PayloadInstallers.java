package dev.updater.install;

import java.util.EnumMap;
import java.util.Map;

/** The table of {@link PayloadInstaller}s, one per {@link PayloadKind}; every kind must have an entry. */
final class PayloadInstallers {
    private static final Map<PayloadKind, PayloadInstaller> TABLE = table(
            Map.of(PayloadKind.FILE, new FilePayloadInstaller(), PayloadKind.TAR, new TarPayloadInstaller()));

    private PayloadInstallers() {}

    static PayloadInstaller forKind(PayloadKind kind) {
        return TABLE.get(kind);
    }

    private static Map<PayloadKind, PayloadInstaller> table(Map<PayloadKind, PayloadInstaller> entries) {
        EnumMap<PayloadKind, PayloadInstaller> table = new EnumMap<>(entries);
        for (PayloadKind kind : PayloadKind.values()) {
            if (!table.containsKey(kind)) {
                throw new IllegalStateException("no payload installer for " + kind);
            }
        }
        return table;
    }
}
