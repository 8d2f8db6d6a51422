package dev.updater.signing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.Json;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * cosign's classic signature layout (SPEC.md "Signatures"): for a release with digest {@code sha256:HEX}, an OCI
 * image manifest tagged {@code sha256-HEX.sig} in the same repository, one layer per signature (media type
 * {@value SimpleSigningPayload#MEDIA_TYPE}, the payload bytes, the signature in an annotation), and an image config
 * shaped like the one cosign's go-containerregistry writes. Pure: building and reading, no I/O.
 */
public final class CosignSignatureManifest {
    /** cosign leaves the layer's history timestamps at Go's zero time; we do the same for the image one, so the
     *  same signatures always give the same manifest digest. */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    /** A simple-signing payload is a few hundred bytes; anything this large is not a signature. */
    public static final long MAX_PAYLOAD_SIZE = 64 * 1024;
    /** More signatures than any real release has; bounds the work a hostile signature manifest can cause. */
    public static final int MAX_SIGNATURES = 256;

    private CosignSignatureManifest() {}

    /** The tag cosign stores a release's signatures under: {@code sha256-<hex>.sig}. */
    public static String signatureTag(Digest release) {
        return "sha256-" + release.hex() + ".sig";
    }

    /** A manifest, its config and the blobs its layers name: everything to push, blobs before the manifest. */
    public record Layout(ImageManifest manifest, byte[] config, Map<Digest, byte[]> layerBlobs) {
        public Layout {
            config = config.clone();
            layerBlobs = Map.copyOf(layerBlobs);
        }

        @Override
        public byte[] config() {
            return config.clone();
        }

        public byte[] manifestBytes() {
            return manifest.toBytes();
        }

        public Digest manifestDigest() {
            return Digest.of(manifestBytes());
        }
    }

    /**
     * The signature manifest holding {@code signatures}, in order. Identical signatures (same payload, same
     * annotations) are kept once, as cosign's default de-duplication does.
     */
    public static Layout build(List<CosignSignature> signatures) {
        if (signatures.isEmpty()) {
            throw new IllegalArgumentException("a signature manifest needs at least one signature");
        }
        List<CosignSignature> unique = new ArrayList<>(new LinkedHashSet<>(signatures));
        List<OciDescriptor> layers = new ArrayList<>();
        Map<Digest, byte[]> blobs = new LinkedHashMap<>();
        for (CosignSignature signature : unique) {
            byte[] payload = signature.payload();
            Digest digest = Digest.of(payload);
            layers.add(new OciDescriptor(SimpleSigningPayload.MEDIA_TYPE, digest, payload.length,
                    signature.annotations(), Optional.empty()));
            blobs.put(digest, payload);
        }
        byte[] config = config(layers);
        OciDescriptor configDescriptor = new OciDescriptor(MediaTypes.OCI_IMAGE_CONFIG, Digest.of(config),
                config.length);
        ImageManifest manifest = new ImageManifest(Optional.empty(), configDescriptor, layers, Optional.empty(),
                Map.of());
        return new Layout(manifest, config, blobs);
    }

    /** {@link #build} of the existing signatures plus {@code added}: signing again keeps earlier signatures. */
    public static Layout append(List<CosignSignature> existing, CosignSignature added) {
        List<CosignSignature> all = new ArrayList<>(existing);
        all.add(added);
        return build(all);
    }

    /**
     * The image config cosign's signature images carry: go-containerregistry's ConfigFile with empty architecture
     * and OS, one zero-time history entry and one diff_id (the payload digest: the layers are uncompressed) per
     * layer, and an empty container config. Field order is Go's struct order.
     */
    static byte[] config(List<OciDescriptor> layers) {
        ObjectNode config = Json.object();
        config.put("architecture", "");
        config.put("created", ZERO_TIME);
        ArrayNode history = config.putArray("history");
        layers.forEach(l -> history.addObject().put("created", ZERO_TIME));
        config.put("os", "");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        layers.forEach(l -> diffIds.add(l.digest().toString()));
        config.putObject("config");
        return Json.write(config);
    }

    /** Reads the bytes of one layer; the reader has checked them against the descriptor's digest. */
    @FunctionalInterface
    public interface VerifiedBlobReader {
        byte[] read(OciDescriptor blob);
    }

    /**
     * The signatures a signature manifest holds. Layers of other media types or without a signature annotation are
     * skipped (cosign ignores them too); payload layers larger than {@link #MAX_PAYLOAD_SIZE} are not fetched; a
     * manifest with more than {@link #MAX_SIGNATURES} layers is refused.
     */
    public static List<CosignSignature> readSignatures(ImageManifest manifest, VerifiedBlobReader blobs) {
        if (manifest.layers().size() > MAX_SIGNATURES) {
            throw new SignatureVerificationException(SignatureVerificationException.Reason.SIGNATURE_INVALID,
                    "the signature manifest has " + manifest.layers().size() + " layers, more than the "
                            + MAX_SIGNATURES + " accepted; it is not a genuine signature manifest");
        }
        List<CosignSignature> signatures = new ArrayList<>();
        for (OciDescriptor layer : manifest.layers()) {
            if (!layer.mediaType().equals(SimpleSigningPayload.MEDIA_TYPE)
                    || layer.annotation(CosignSignature.SIGNATURE_ANNOTATION).isEmpty()
                    || layer.size() > MAX_PAYLOAD_SIZE) {
                continue;
            }
            signatures.add(new CosignSignature(blobs.read(layer), layer.annotations()));
        }
        return signatures;
    }
}
