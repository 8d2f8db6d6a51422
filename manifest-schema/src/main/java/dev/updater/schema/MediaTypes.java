package dev.updater.schema;

/** Media types and annotation keys of the release format (SPEC.md, "OCI mapping"). */
public final class MediaTypes {
    private MediaTypes() {}

    /** Our update manifest: the release manifest's config blob and its {@code artifactType}. */
    public static final String UPDATE_MANIFEST = "application/vnd.updater.manifest.v1+json";
    /** Default media type of a payload layer when the publisher names none. */
    public static final String PAYLOAD_DEFAULT = "application/vnd.updater.payload.v1";
    /** A payload that is a tar archive, installed as a directory. */
    public static final String PAYLOAD_TAR = "application/vnd.updater.payload.v1.tar";
    /** One chunk of a payload stored as a sequence of blobs (see SPEC.md, "Chunked payloads"). */
    public static final String PAYLOAD_CHUNK = "application/vnd.updater.payload.chunk.v1";
    /** On a chunk layer: its position in the payload, from 0. */
    public static final String ANNOTATION_CHUNK_INDEX = "dev.updater.chunk.index";
    /** Prefix of delta patch blobs; the format and compression follow as a suffix. */
    public static final String PATCH_PREFIX = "application/vnd.updater.patch.";

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    public static final String OCI_IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    public static final String ANNOTATION_TITLE = "org.opencontainers.image.title";
    public static final String ANNOTATION_VERSION = "org.opencontainers.image.version";
    public static final String ANNOTATION_CREATED = "org.opencontainers.image.created";
    public static final String ANNOTATION_SOURCE = "org.opencontainers.image.source";
    public static final String ANNOTATION_REVISION = "org.opencontainers.image.revision";
    /** Which target a payload layer belongs to. */
    public static final String ANNOTATION_TARGET = "dev.updater.target";
    /** On a patch layer: the version and digest the patch applies to. */
    public static final String ANNOTATION_PATCH_FROM_VERSION = "dev.updater.patch.from-version";
    public static final String ANNOTATION_PATCH_FROM_DIGEST = "dev.updater.patch.from-digest";
}
