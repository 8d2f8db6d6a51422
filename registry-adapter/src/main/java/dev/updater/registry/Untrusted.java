package dev.updater.registry;

/**
 * Text a registry sent us (a Location, a realm, an error body, a header) made safe to put in a message: control
 * characters, ESC sequences and bidirectional overrides become visible escapes, so a hostile server cannot rewrite
 * the user's terminal or forge lines of our output, and long text is cut so it cannot bury what we have to say.
 */
public final class Untrusted {
    /** Enough for a URL or one distribution error; an error page longer than this is not worth reading in full. */
    public static final int DEFAULT_LIMIT = 300;

    private Untrusted() {}

    /** {@code text} escaped and cut to {@link #DEFAULT_LIMIT} characters, in single quotes. */
    public static String quote(String text) {
        return quote(text, DEFAULT_LIMIT);
    }

    /** {@code text} escaped and cut to {@code limit} characters (before escaping), in single quotes. */
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
            } else if (needsEscape(c)) {
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
     * C0 and C1 controls (ESC, BEL, CSI...), DEL, the bidirectional embeddings, overrides and isolates (which
     * reorder what a terminal shows), unpaired surrogates and the line and paragraph separators.
     */
    private static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029 || c == 0x200e || c == 0x200f
                || c == 0x061c || Character.isSurrogate(c);
    }
}
