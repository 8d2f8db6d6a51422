package dev.updater.registry.remote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme and its parameters. A header may hold
 * several challenges separated by commas, parameter values may be quoted (with backslash escapes) or bare tokens.
 */
record Challenge(String scheme, Map<String, String> params) {
    Challenge {
        params = Map.copyOf(params);
    }

    static List<Challenge> parse(List<String> headerValues) {
        List<Challenge> challenges = new ArrayList<>();
        for (String header : headerValues) parseInto(header, challenges);
        return challenges;
    }

    private static void parseInto(String s, List<Challenge> out) {
        String scheme = null;
        Map<String, String> params = new LinkedHashMap<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ',' || Character.isWhitespace(s.charAt(i)))) i++;
            int start = i;
            while (i < n && s.charAt(i) != '=' && s.charAt(i) != ',' && !Character.isWhitespace(s.charAt(i))) i++;
            if (start == i) {
                i++;
                continue;
            }
            String token = s.substring(start, i);
            int afterToken = i;
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            if (i < n && s.charAt(i) == '=' && scheme != null) {
                i++;
                while (i < n && Character.isWhitespace(s.charAt(i))) i++;
                StringBuilder value = new StringBuilder();
                if (i < n && s.charAt(i) == '"') {
                    i++;
                    while (i < n && s.charAt(i) != '"') {
                        if (s.charAt(i) == '\\' && i + 1 < n) i++;
                        value.append(s.charAt(i++));
                    }
                    i++;
                } else {
                    while (i < n && s.charAt(i) != ',' && !Character.isWhitespace(s.charAt(i))) {
                        value.append(s.charAt(i++));
                    }
                }
                params.put(token.toLowerCase(Locale.ROOT), value.toString());
            } else if (i < n && s.charAt(i) == '=') {
                // token68 or garbage before any scheme: skip to the next comma
                while (i < n && s.charAt(i) != ',') i++;
            } else {
                if (scheme != null) out.add(new Challenge(scheme, params));
                scheme = token;
                params = new LinkedHashMap<>();
                i = afterToken;
            }
        }
        if (scheme != null) out.add(new Challenge(scheme, params));
    }

    Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }
}
