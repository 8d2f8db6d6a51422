package dev.updater.tuf;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding of role names and target paths, the way the reference implementation quotes them: every byte of
 * the UTF-8 form except {@code A-Z a-z 0-9 - . _ ~} becomes {@code %XX}. Used both in URLs and for file names, so a
 * role called {@code ../a}, {@code a/b}, {@code ?} or {@code ö} can neither escape the metadata directory nor change
 * the meaning of a request.
 */
public final class Names {
    private Names() {}

    public static String quote(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** Quotes each '/'-separated segment of a target path, keeping the separators. */
    public static String quotePath(String path) {
        String[] segments = path.split("/", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) out.append('/');
            out.append(quote(segments[i]));
        }
        return out.toString();
    }
}
