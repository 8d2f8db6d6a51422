package dev.updater.schema;

/**
 * Puts text we do not control (field names, tags, media types read from a store) into a message: control characters,
 * line and paragraph separators and bidirectional overrides are written as {@code \\uXXXX}, so a hostile document can
 * neither forge extra output lines nor move the cursor or recolour a terminal, and long text is cut.
 */
public final class UntrustedText {
    /** Enough of a value to recognise it; a message is read by a person. */
    public static final int MAX_CHARS = 80;
    /** Enough for a URL or one registry error; an error page longer than this is not worth reading in full. */
    public static final int LONG_TEXT = 300;

    private UntrustedText() {}

    /** {@code text} with every unprintable character escaped, at most {@link #MAX_CHARS} characters of it. */
    public static String escape(String text) {
        if (text == null) return "(null)";
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8);
        int shown = 0;
        for (int i = 0; i < text.length(); i++) {
            if (shown == MAX_CHARS) {
                return out.append("...").toString();
            }
            char c = text.charAt(i);
            if (isUnsafe(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
            shown++;
        }
        return out.toString();
    }

    /** Every unprintable character of {@code text} escaped, nothing cut: for whole messages that embed values. */
    public static String escapeAll(String text) {
        if (text == null) return "(null)";
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(isUnsafe(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    /** {@link #escape} in single quotes: {@code 'value'}. */
    public static String quote(String text) {
        return "'" + escape(text) + "'";
    }

    /** {@link #quote(String, int)} with room for a URL or a registry's error text ({@link #LONG_TEXT}). */
    public static String quoteLong(String text) {
        return quote(text, LONG_TEXT);
    }

    /**
     * {@code text} escaped and cut to {@code limit} characters (before escaping), in single quotes; quotes and
     * backslashes inside are escaped too, so where the value ends is never in doubt, and a cut says where it was.
     */
    public static String quote(String text, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit must be positive");
        StringBuilder out = new StringBuilder(Math.min(text.length(), limit) + 8).append('\'');
        int end = Math.min(text.length(), limit);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\'' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (isUnsafe(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('\'');
        if (text.length() > limit) {
            out.append(" (cut after ").append(limit).append(" characters)");
        }
        return out.toString();
    }

    /**
     * Whether showing {@code c} as it is could change how the text around it is displayed: C0 and C1 controls and
     * DEL, line and paragraph separators, and the Unicode format characters (bidirectional marks, embeddings,
     * overrides and isolates, zero-width characters, the byte-order mark). Surrogates are not unsafe on their own.
     */
    public static boolean isUnsafe(char c) {
        if (Character.isISOControl(c)) return true;
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }
}
