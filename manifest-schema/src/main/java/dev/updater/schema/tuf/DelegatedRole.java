package dev.updater.schema.tuf;

import dev.updater.schema.Digest;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A role that targets metadata delegates to: exactly one of {@code paths} (shell-style patterns matched segment by
 * segment) or {@code path_hash_prefixes} (prefixes of the hex sha256 of the target path) says which targets it may
 * speak for; {@code terminating} stops the search at it.
 */
public record DelegatedRole(String name, Role role, boolean terminating, Optional<List<String>> paths,
                            Optional<List<String>> pathHashPrefixes) {
    public DelegatedRole {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a delegated role needs a name");
        paths = paths.map(List::copyOf);
        pathHashPrefixes = pathHashPrefixes.map(List::copyOf);
        if (paths.isPresent() == pathHashPrefixes.isPresent()) {
            throw new IllegalArgumentException("delegated role '" + name
                    + "' needs exactly one of paths or path_hash_prefixes");
        }
    }

    static DelegatedRole read(JsonReader r) {
        try {
            return new DelegatedRole(r.string("name"), Role.read(r), r.bool("terminating", false),
                    r.has("paths") ? Optional.of(r.stringList("paths")) : Optional.empty(),
                    r.has("path_hash_prefixes") ? Optional.of(r.stringList("path_hash_prefixes")) : Optional.empty());
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException(r.path(), e.getMessage());
        }
    }

    /** Whether this role may sign for {@code targetPath}. */
    public boolean isDelegatedPath(String targetPath) {
        if (paths.isPresent()) {
            for (String pattern : paths.get()) {
                if (matchesPattern(targetPath, pattern)) return true;
            }
            return false;
        }
        String hash = Digest.of(targetPath.getBytes(StandardCharsets.UTF_8)).hex();
        return pathHashPrefixes.get().stream().anyMatch(hash::startsWith);
    }

    /** fnmatch per '/'-separated segment: a '*' never crosses a directory boundary. */
    static boolean matchesPattern(String targetPath, String pattern) {
        String[] targetParts = targetPath.split("/", -1);
        String[] patternParts = pattern.split("/", -1);
        if (targetParts.length != patternParts.length) return false;
        for (int i = 0; i < targetParts.length; i++) {
            if (!globToRegex(patternParts[i]).matcher(targetParts[i]).matches()) return false;
        }
        return true;
    }

    private static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else if (c == '[') {
                int j = i;
                if (j < glob.length() && glob.charAt(j) == '!') j++;
                if (j < glob.length() && glob.charAt(j) == ']') j++;
                while (j < glob.length() && glob.charAt(j) != ']') j++;
                if (j >= glob.length()) {
                    regex.append("\\[");
                } else {
                    String set = glob.substring(i, j);
                    i = j + 1;
                    regex.append('[');
                    if (set.startsWith("!")) {
                        regex.append('^');
                        set = set.substring(1);
                    }
                    for (char s : set.toCharArray()) {
                        if (!Character.isLetterOrDigit(s) && s != '-') regex.append('\\');
                        regex.append(s);
                    }
                    regex.append(']');
                }
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
