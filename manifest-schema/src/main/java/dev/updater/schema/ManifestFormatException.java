package dev.updater.schema;

/**
 * A document (update manifest, OCI manifest, trust metadata) does not have the form we accept. The message may quote
 * the document, so unprintable characters in it are escaped.
 */
public final class ManifestFormatException extends UpdaterException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public ManifestFormatException(String field, String problem) {
        super(UntrustedText.escapeAll("invalid field '" + field + "': " + problem));
        this.field = field;
    }

    public ManifestFormatException(String field, String problem, Throwable cause) {
        super(UntrustedText.escapeAll("invalid field '" + field + "': " + problem), cause);
        this.field = field;
    }

    /** JSON path of the offending field, e.g. {@code targets.esp32-v4.2.digest}; {@code $} for the whole document. */
    public String field() {
        return field;
    }

    @Override
    public Failure failure() {
        return Failure.VERIFICATION;
    }
}
