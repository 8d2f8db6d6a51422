package dev.updater.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one target (a device class or platform, e.g. {@code esp32-v4.2}) installs from a release: the payload blob,
 * the name and mode it is installed with, and any delta patches that lead to it from earlier versions.
 */
public record TargetPayload(Digest digest, long size, String mediaType, String fileName, int fileMode,
        List<PatchDescriptor> patches, List<ChunkDescriptor> chunks) {

    static final Set<String> FIELDS = Set.of("digest", "size", "mediaType", "fileName", "fileMode", "patches",
            "chunks");
    /** A file name, never a path: a payload must not be able to name where it is written. */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._+-][A-Za-z0-9._+@-]{0,254}");
    private static final Pattern FILE_MODE = Pattern.compile("0?[0-7]{3,4}");

    public TargetPayload {
        if (digest == null) throw new IllegalArgumentException("a payload needs a digest");
        if (size < 0) throw new IllegalArgumentException("a payload size cannot be negative");
        if (mediaType == null || mediaType.isBlank()) throw new IllegalArgumentException("a payload needs a media type");
        if (!isValidFileName(fileName)) {
            throw new IllegalArgumentException("file name must be a plain name (no '/', not '.' or '..'): " + fileName);
        }
        if (fileMode < 0 || fileMode > 07777) throw new IllegalArgumentException("file mode out of range");
        patches = List.copyOf(patches);
        chunks = List.copyOf(chunks);
        if (!chunks.isEmpty() && chunks.stream().mapToLong(ChunkDescriptor::size).sum() != size) {
            throw new IllegalArgumentException("the chunks' sizes must add up to the payload size");
        }
    }

    /** A payload stored whole, not in chunks. */
    public TargetPayload(Digest digest, long size, String mediaType, String fileName, int fileMode,
            List<PatchDescriptor> patches) {
        this(digest, size, mediaType, fileName, fileMode, patches, List.of());
    }

    public boolean isChunked() {
        return !chunks.isEmpty();
    }

    public TargetPayload withChunks(List<ChunkDescriptor> newChunks) {
        return new TargetPayload(digest, size, mediaType, fileName, fileMode, patches, newChunks);
    }

    public static boolean isValidFileName(String name) {
        return name != null && FILE_NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    public TargetPayload withPatches(List<PatchDescriptor> newPatches) {
        return new TargetPayload(digest, size, mediaType, fileName, fileMode, newPatches, chunks);
    }

    public Optional<PatchDescriptor> patchFrom(Digest source) {
        return patches.stream().filter(p -> p.fromDigest().equals(source)).findFirst();
    }

    public String fileModeOctal() {
        return String.format("%04o", fileMode);
    }

    ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("digest", digest.toString());
        n.put("size", size);
        n.put("mediaType", mediaType);
        n.put("fileName", fileName);
        n.put("fileMode", fileModeOctal());
        if (!patches.isEmpty()) {
            ArrayNode p = n.putArray("patches");
            patches.forEach(d -> p.add(d.toJson()));
        }
        if (!chunks.isEmpty()) {
            ArrayNode c = n.putArray("chunks");
            chunks.forEach(d -> c.add(d.toJson()));
        }
        return n;
    }

    static TargetPayload read(JsonReader r) {
        r.onlyFields(FIELDS);
        String fileName = r.string("fileName");
        if (!isValidFileName(fileName)) {
            throw new ManifestFormatException(r.path("fileName"), "must be a plain file name (letters, digits, "
                    + "'.', '_', '+', '-'; no '/'; not '.' or '..'), found " + JsonReader.abbreviate(fileName));
        }
        String mode = r.string("fileMode");
        if (!FILE_MODE.matcher(mode).matches()) {
            throw new ManifestFormatException(r.path("fileMode"), "expected an octal mode such as \"0755\", found "
                    + JsonReader.abbreviate(mode));
        }
        String mediaType = r.string("mediaType");
        if (mediaType.isBlank()) {
            throw new ManifestFormatException(r.path("mediaType"), "must not be empty");
        }
        List<PatchDescriptor> patches = r.has("patches")
                ? r.objectList("patches").stream().map(PatchDescriptor::read).toList() : List.of();
        List<ChunkDescriptor> chunks = r.has("chunks")
                ? r.objectList("chunks").stream().map(ChunkDescriptor::read).toList() : List.of();
        long size = r.nonNegativeLong("size");
        if (!chunks.isEmpty() && chunks.stream().mapToLong(ChunkDescriptor::size).sum() != size) {
            throw new ManifestFormatException(r.path("chunks"), "the chunks' sizes do not add up to size " + size);
        }
        return new TargetPayload(r.digest("digest"), size, mediaType, fileName, Integer.parseInt(mode, 8), patches,
                chunks);
    }
}
