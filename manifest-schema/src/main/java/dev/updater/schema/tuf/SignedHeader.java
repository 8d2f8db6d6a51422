package dev.updater.schema.tuf;

import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.time.Instant;
import java.util.regex.Pattern;

/** Reads and checks the fields every {@code signed} object has. */
record SignedHeader(long version, String specVersion, Instant expires) {
    /** The major version of the specification this client implements; other majors are refused. */
    static final String SPEC_MAJOR = "1";
    private static final Pattern EXPIRES = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
    private static final Pattern SPEC_VERSION = Pattern.compile("\\d+\\.\\d+(\\.\\d+)?");

    static SignedHeader read(JsonReader r, String expectedType) {
        String type = r.string("_type");
        if (!type.equals(expectedType)) {
            throw new ManifestFormatException(r.path("_type"), "expected '" + expectedType + "', found '" + type + "'");
        }
        long version = r.longValue("version");
        if (version < 1) throw new ManifestFormatException(r.path("version"), "must be at least 1, got " + version);
        String specVersion = r.string("spec_version");
        if (!SPEC_VERSION.matcher(specVersion).matches() || !specVersion.split("\\.")[0].equals(SPEC_MAJOR)) {
            throw new ManifestFormatException(r.path("spec_version"), "unsupported specification version '"
                    + specVersion + "' (this client implements " + SPEC_MAJOR + ".x)");
        }
        String expires = r.string("expires");
        if (!EXPIRES.matcher(expires).matches()) {
            throw new ManifestFormatException(r.path("expires"), "expected YYYY-MM-DDTHH:MM:SSZ, found '" + expires + "'");
        }
        try {
            return new SignedHeader(version, specVersion, Instant.parse(expires));
        } catch (java.time.format.DateTimeParseException e) {
            throw new ManifestFormatException(r.path("expires"), "not a valid time: '" + expires + "'");
        }
    }
}
