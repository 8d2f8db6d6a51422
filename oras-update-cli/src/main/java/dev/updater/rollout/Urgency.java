package dev.updater.rollout;

import dev.updater.schema.ImageManifest;
import java.util.Locale;
import java.util.Optional;

/**
 * How soon devices should install a release: a {@code normal} one waits for the device's update window, a
 * {@code critical} one (a security fix) is installed at once. Recorded by the publisher as an annotation of the
 * release manifest, so it is covered by the release digest and with it by the release's signatures and TUF entry.
 */
public enum Urgency {
    NORMAL, CRITICAL;

    public static final String ANNOTATION = "dev.updater.urgency";

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The urgency a release manifest declares; normal when it declares none or one this version does not know. */
    public static Urgency of(ImageManifest manifest) {
        Optional<String> value = manifest.annotation(ANNOTATION);
        return value.isPresent() && value.get().equals(CRITICAL.jsonName()) ? CRITICAL : NORMAL;
    }

    public static Optional<Urgency> parse(String text) {
        for (Urgency u : values()) {
            if (u.jsonName().equals(text)) return Optional.of(u);
        }
        return Optional.empty();
    }
}
