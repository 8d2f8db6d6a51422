package dev.updater.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.schema.Digest;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.Json;
import dev.updater.schema.OciDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our signature manifest, config and payload against the layout real cosign writes. */
class CosignSignatureManifestTest {

    @Test
    void payloadBytesEqualThoseCosignSigned() {
        byte[] cosignPayload = Vectors.bytes("derived/dir-img-cosign-valid/payload.json");
        SimpleSigningPayload parsed = SimpleSigningPayload.parse(cosignPayload);
        assertEquals("192.168.64.2:5000/cosign-signed-single-sample", parsed.dockerReference());
        assertArrayEquals(cosignPayload, parsed.toBytes());
        byte[] rekorPayload = Vectors.bytes("derived/dir-img-cosign-key-rekor-valid/payload.json");
        assertArrayEquals(rekorPayload, SimpleSigningPayload.parse(rekorPayload).toBytes());
    }

    @Test
    void manifestAndConfigHaveCosignsShape() {
        CosignSignature cosignMade = ContainersImageSignatureFile.read("containers-image/dir-img-cosign-valid/signature-1");
        CosignSignatureManifest.Layout layout = CosignSignatureManifest.build(List.of(cosignMade));
        Digest payloadDigest = Digest.of(cosignMade.payload());

        // go-containerregistry's ConfigFile for a one-layer signature image, as cosign pushes it (created fixed).
        String expectedConfig = "{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":"
                + "\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + payloadDigest + "\"]},\"config\":{}}";
        assertEquals(expectedConfig, new String(layout.config(), StandardCharsets.UTF_8));

        String expectedManifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":"
                + expectedConfig.length() + ",\"digest\":\"" + Digest.ofUtf8(expectedConfig) + "\"},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"size\":"
                + cosignMade.payload().length + ",\"digest\":\"" + payloadDigest + "\",\"annotations\":{"
                + "\"dev.cosignproject.cosign/signature\":\"" + cosignMade.signatureBase64() + "\"}}]}";
        JsonNode expected = Json.parse(expectedManifest.getBytes(StandardCharsets.UTF_8), "expected");
        JsonNode ours = Json.parse(layout.manifestBytes(), "ours");
        assertEquals(expected, ours);
        assertArrayEquals(cosignMade.payload(), layout.layerBlobs().get(payloadDigest));
    }

    @Test
    void signaturesRoundTripAndSigningAgainKeepsEarlierLayers() {
        SigningKey p256 = SigningKey.generate(KeyAlgorithm.ECDSA_P256);
        SigningKey ed25519 = SigningKey.generate(KeyAlgorithm.ED25519);
        Digest release = Digest.ofUtf8("a release manifest");
        SimpleSigningPayload payload = new SimpleSigningPayload("127.0.0.1:5000/acme/app", release);
        CosignSignature first = CosignSignature.sign(payload, p256);
        CosignSignatureManifest.Layout one = CosignSignatureManifest.build(List.of(first));
        CosignSignatureManifest.Layout two = CosignSignatureManifest.append(read(one), CosignSignature.sign(payload,
                ed25519));
        assertEquals(2, two.manifest().layers().size());
        assertEquals(one.manifest().layers().get(0), two.manifest().layers().get(0));
        List<CosignSignature> back = read(two);
        assertEquals(first, back.get(0));
        assertTrue(back.get(1).isSignedBy(ed25519.publicKey()));
        // Appending a signature that is already there changes nothing (cosign de-duplicates too).
        assertEquals(two.manifestDigest(), CosignSignatureManifest.append(back, first).manifestDigest());
        ReleaseSignatureVerifier.verify(release, back, new KeyPolicy(List.of(p256.publicKey(), ed25519.publicKey()),
                2, java.util.Optional.empty()));
        assertEquals("sha256-" + release.hex() + ".sig", CosignSignatureManifest.signatureTag(release));
    }

    @Test
    void foreignLayersAndOversizedPayloadsAreNotRead() {
        CosignSignature sig = ContainersImageSignatureFile.read("containers-image/dir-img-cosign-valid/signature-1");
        ImageManifest built = CosignSignatureManifest.build(List.of(sig)).manifest();
        OciDescriptor real = built.layers().get(0);
        OciDescriptor foreign = new OciDescriptor("application/octet-stream", real.digest(), real.size(),
                real.annotations(), java.util.Optional.empty());
        OciDescriptor huge = new OciDescriptor(real.mediaType(), real.digest(),
                CosignSignatureManifest.MAX_PAYLOAD_SIZE + 1, real.annotations(), java.util.Optional.empty());
        ImageManifest mixed = new ImageManifest(java.util.Optional.empty(), built.config(),
                List.of(foreign, huge, real), java.util.Optional.empty(), Map.of());
        List<CosignSignature> read = CosignSignatureManifest.readSignatures(mixed, d -> {
            assertEquals(real, d);
            return sig.payload();
        });
        assertEquals(List.of(sig), read);
    }

    private static List<CosignSignature> read(CosignSignatureManifest.Layout layout) {
        ImageManifest parsed = ImageManifest.parse(layout.manifestBytes());
        return CosignSignatureManifest.readSignatures(parsed, d -> layout.layerBlobs().get(d.digest()));
    }

    @Test
    void aManifestWithImplausiblyManyLayersIsRefusedWithoutReadingThem() {
        CosignSignature sig = ContainersImageSignatureFile.read("containers-image/dir-img-cosign-valid/signature-1");
        ImageManifest one = CosignSignatureManifest.build(List.of(sig)).manifest();
        List<OciDescriptor> many = java.util.Collections.nCopies(CosignSignatureManifest.MAX_SIGNATURES + 1,
                one.layers().get(0));
        ImageManifest hostile = new ImageManifest(java.util.Optional.empty(), one.config(), many,
                java.util.Optional.empty(), Map.of());
        SignatureVerificationException e = org.junit.jupiter.api.Assertions.assertThrows(
                SignatureVerificationException.class, () -> CosignSignatureManifest.readSignatures(hostile, d -> {
                    throw new AssertionError("no layer may be read");
                }));
        assertEquals(SignatureVerificationException.Reason.SIGNATURE_INVALID, e.reason());
    }
}
