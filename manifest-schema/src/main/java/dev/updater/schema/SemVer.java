package dev.updater.schema;

import java.math.BigInteger;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version (semver.org 2.0.0) with its precedence rules: numeric identifiers compare numerically and
 * sort before alphanumeric ones, a prerelease sorts before its release, build metadata is ignored for precedence.
 * Numbers are arbitrary precision because the grammar puts no bound on them.
 */
public record SemVer(BigInteger major, BigInteger minor, BigInteger patch, List<String> prerelease, List<String> build)
        implements Comparable<SemVer> {

    // The grammar from semver.org, split so that each part can be named in an error.
    private static final Pattern GRAMMAR = Pattern.compile(
            "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
                    + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");
    private static final Pattern NUMERIC = Pattern.compile("0|[1-9]\\d*");
    /** OCI tags: {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}. '+' is not allowed, so build metadata maps to '_'. */
    private static final Pattern OCI_TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    public SemVer {
        if (major == null || minor == null || patch == null || major.signum() < 0 || minor.signum() < 0
                || patch.signum() < 0) {
            throw new IllegalArgumentException("major, minor and patch must be non-negative numbers");
        }
        prerelease = List.copyOf(prerelease);
        build = List.copyOf(build);
    }

    public static SemVer parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no version given");
        }
        Matcher m = GRAMMAR.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a semantic version (semver.org 2.0.0), "
                    + "e.g. 1.4.2, 2.0.0-rc.1 or 1.0.0+build.7");
        }
        return new SemVer(new BigInteger(m.group(1)), new BigInteger(m.group(2)), new BigInteger(m.group(3)),
                m.group(4) == null ? List.of() : List.of(m.group(4).split("\\.")),
                m.group(5) == null ? List.of() : List.of(m.group(5).split("\\.")));
    }

    public static boolean isValid(String text) {
        return text != null && GRAMMAR.matcher(text).matches();
    }

    public boolean isPrerelease() {
        return !prerelease.isEmpty();
    }

    /** The OCI tag for this version: identical except that '+' (not allowed in tags) becomes '_'. */
    public String toTag() {
        String tag = toString().replace('+', '_');
        if (!OCI_TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("version " + this + " is too long for an OCI tag (128 characters)");
        }
        return tag;
    }

    /** Inverse of {@link #toTag()}; an empty result when the tag is not a version tag (e.g. a channel). */
    public static java.util.Optional<SemVer> fromTag(String tag) {
        int underscore = tag.indexOf('_');
        String text = underscore < 0 ? tag : tag.substring(0, underscore) + "+" + tag.substring(underscore + 1);
        return isValid(text) ? java.util.Optional.of(parse(text)) : java.util.Optional.empty();
    }

    @Override
    public int compareTo(SemVer o) {
        int c = major.compareTo(o.major);
        if (c == 0) c = minor.compareTo(o.minor);
        if (c == 0) c = patch.compareTo(o.patch);
        if (c != 0) return c;
        if (prerelease.isEmpty() || o.prerelease.isEmpty()) {
            return Boolean.compare(prerelease.isEmpty(), o.prerelease.isEmpty());
        }
        for (int i = 0; i < Math.min(prerelease.size(), o.prerelease.size()); i++) {
            c = compareIdentifier(prerelease.get(i), o.prerelease.get(i));
            if (c != 0) return c;
        }
        return Integer.compare(prerelease.size(), o.prerelease.size());
    }

    /** Same precedence; unlike {@link #equals}, build metadata does not matter. */
    public boolean samePrecedence(SemVer o) {
        return compareTo(o) == 0;
    }

    private static int compareIdentifier(String a, String b) {
        boolean an = NUMERIC.matcher(a).matches();
        boolean bn = NUMERIC.matcher(b).matches();
        if (an && bn) return new BigInteger(a).compareTo(new BigInteger(b));
        if (an) return -1;
        if (bn) return 1;
        return a.compareTo(b);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(major).append('.').append(minor).append('.').append(patch);
        if (!prerelease.isEmpty()) s.append('-').append(String.join(".", prerelease));
        if (!build.isEmpty()) s.append('+').append(String.join(".", build));
        return s.toString();
    }
}
