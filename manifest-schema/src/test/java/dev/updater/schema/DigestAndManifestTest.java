package dev.updater.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class DigestAndManifestTest {

    @Test
    void digestOfKnownInput() {
        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                Digest.of(new byte[0]).toString());
        assertThrows(IllegalArgumentException.class, () -> Digest.parse("sha256:E3B0"));
        assertThrows(IllegalArgumentException.class, () -> Digest.parse("sha512:" + "0".repeat(64)));
    }

    @Test
    void imageManifestSerialisationIsDeterministicAndRoundTrips() {
        OciDescriptor config = new OciDescriptor(MediaTypes.UPDATE_MANIFEST, Digest.ofUtf8("{}"), 2);
        OciDescriptor layer = new OciDescriptor(MediaTypes.PAYLOAD_DEFAULT, Digest.ofUtf8("x"), 1,
                Map.of("b", "2", "a", "1"), Optional.empty());
        ImageManifest m = new ImageManifest(Optional.of(MediaTypes.UPDATE_MANIFEST), config, List.of(layer),
                Optional.empty(), Map.of("z", "last", "a", "first"));
        byte[] bytes = m.toBytes();
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, text.indexOf("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\""));
        assertEquals(m, ImageManifest.parse(bytes));
        assertArrayEquals(bytes, ImageManifest.parse(bytes).toBytes());
    }

    @Test
    void otherManifestKindsAreNamed() {
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        ManifestFormatException e = assertThrows(ManifestFormatException.class, () -> ImageManifest.parse(index));
        assertEquals("mediaType", e.field());
    }

    @Property(tries = 300)
    void arbitraryBytesNeverEscapeAsAnotherException(@ForAll byte[] bytes) {
        try {
            UpdateManifest.parse(bytes);
        } catch (ManifestFormatException expected) {
            // the only allowed failure
        }
        try {
            ImageManifest.parse(bytes);
        } catch (ManifestFormatException expected) {
            // the only allowed failure
        }
    }
}
