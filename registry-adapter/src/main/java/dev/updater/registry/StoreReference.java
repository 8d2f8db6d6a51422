package dev.updater.registry;

import dev.updater.schema.Digest;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed reference to a release store and optionally one manifest in it:
 * {@code host[:port]/repo[:tag|@sha256:HEX]} or {@code oci:PATH[:tag|@sha256:HEX]}.
 * The registry host is always explicit: short names would depend on machine-wide mirror settings.
 */
public record StoreReference(Kind kind, String registry, String repository, Path layoutPath, Optional<String> tag,
        Optional<Digest> digest) {

    public enum Kind { REGISTRY, LAYOUT }

    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final Pattern REPOSITORY = Pattern.compile(
            "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\\[[0-9a-fA-F:]+\\](?::[0-9]{1,5})?");

    public StoreReference {
        tag = tag == null ? Optional.empty() : tag;
        digest = digest == null ? Optional.empty() : digest;
        if (tag.isPresent() && digest.isPresent()) {
            throw new IllegalArgumentException("a reference names a tag or a digest, not both");
        }
    }

    public static StoreReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidReferenceException(text, "it is empty");
        }
        Optional<Digest> digest = Optional.empty();
        String rest = text;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String d = rest.substring(at + 1);
            if (!Digest.isValid(d)) {
                throw new InvalidReferenceException(text, "'" + d + "' is not a digest of the form sha256:<64 hex>");
            }
            digest = Optional.of(Digest.parse(d));
            rest = rest.substring(0, at);
        }
        if (rest.startsWith("oci:")) {
            String pathAndTag = rest.substring(4);
            Optional<String> tag = Optional.empty();
            int colon = pathAndTag.lastIndexOf(':');
            if (colon > pathAndTag.lastIndexOf('/') && colon >= 0) {
                tag = Optional.of(checkTag(text, pathAndTag.substring(colon + 1)));
                pathAndTag = pathAndTag.substring(0, colon);
            }
            if (pathAndTag.isEmpty()) {
                throw new InvalidReferenceException(text, "oci: needs a directory path, e.g. oci:./releases:1.0.0");
            }
            if (digest.isPresent() && tag.isPresent()) {
                throw new InvalidReferenceException(text, "give a tag or a digest, not both");
            }
            return new StoreReference(Kind.LAYOUT, "", "", Path.of(pathAndTag).toAbsolutePath().normalize(), tag,
                    digest);
        }
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw new InvalidReferenceException(text, "name the registry and the repository, e.g. "
                    + "registry.example.com/team/app:1.0.0, or a layout directory, e.g. oci:./releases");
        }
        String registry = rest.substring(0, slash);
        if (!(registry.contains(".") || registry.contains(":") || registry.equals("localhost"))
                || !HOST.matcher(registry).matches()) {
            throw new InvalidReferenceException(text, "'" + registry + "' is not a registry host; references must "
                    + "name the registry (host or host:port) before the repository");
        }
        String repoAndTag = rest.substring(slash + 1);
        Optional<String> tag = Optional.empty();
        int colon = repoAndTag.lastIndexOf(':');
        if (colon >= 0) {
            tag = Optional.of(checkTag(text, repoAndTag.substring(colon + 1)));
            repoAndTag = repoAndTag.substring(0, colon);
        }
        if (!REPOSITORY.matcher(repoAndTag).matches()) {
            throw new InvalidReferenceException(text, "'" + repoAndTag + "' is not a valid repository name "
                    + "(lowercase letters, digits, separators '.', '_', '-', path components with '/')");
        }
        if (digest.isPresent() && tag.isPresent()) {
            throw new InvalidReferenceException(text, "give a tag or a digest, not both");
        }
        return new StoreReference(Kind.REGISTRY, registry, repoAndTag, Path.of(""), tag, digest);
    }

    private static String checkTag(String text, String tag) {
        if (!TAG.matcher(tag).matches()) {
            throw new InvalidReferenceException(text, "'" + tag + "' is not a valid tag (letters, digits, '_', '.', "
                    + "'-'; at most 128; a version's '+' is written '_')");
        }
        return tag;
    }

    /** The tag or digest this reference names, if any, in the form stores accept. */
    public Optional<String> manifestReference() {
        return digest.map(Digest::toString).or(() -> tag);
    }

    public StoreReference withTag(String newTag) {
        return new StoreReference(kind, registry, repository, layoutPath, Optional.of(checkTag(newTag, newTag)),
                Optional.empty());
    }

    public StoreReference withDigest(Digest newDigest) {
        return new StoreReference(kind, registry, repository, layoutPath, Optional.empty(), Optional.of(newDigest));
    }

    /** The store part alone, for messages: {@code host/repo} or {@code oci:/path}. */
    public String storeName() {
        return kind == Kind.LAYOUT ? "oci:" + layoutPath : registry + "/" + repository;
    }

    /** The last component of the repository or directory: the default product name. */
    public String baseName() {
        String name = kind == Kind.LAYOUT ? String.valueOf(layoutPath.getFileName()) : repository.substring(
                repository.lastIndexOf('/') + 1);
        return name;
    }

    @Override
    public String toString() {
        return storeName() + digest.map(d -> "@" + d).orElse(tag.map(t -> ":" + t).orElse(""));
    }
}
