package dev.updater.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreReferenceTest {
    static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void registryReferences() {
        StoreReference r = StoreReference.parse("registry.example.com:5000/team/app:1.0.0_build.7");
        assertEquals(StoreReference.Kind.REGISTRY, r.kind());
        assertEquals("registry.example.com:5000", r.registry());
        assertEquals("team/app", r.repository());
        assertEquals(Optional.of("1.0.0_build.7"), r.tag());
        StoreReference d = StoreReference.parse("localhost/app@" + DIGEST);
        assertEquals(DIGEST, d.digest().orElseThrow().toString());
        assertEquals("localhost/app", d.storeName());
        assertEquals(Optional.empty(), StoreReference.parse("127.0.0.1:5000/a/b").manifestReference());
    }

    @Test
    void layoutReferences() {
        StoreReference r = StoreReference.parse("oci:/var/lib/releases:stable");
        assertEquals(StoreReference.Kind.LAYOUT, r.kind());
        assertEquals(Path.of("/var/lib/releases"), r.layoutPath());
        assertEquals(Optional.of("stable"), r.tag());
        assertEquals(Optional.empty(), StoreReference.parse("oci:/var/lib/releases").tag());
        assertEquals(DIGEST, StoreReference.parse("oci:rel@" + DIGEST).digest().orElseThrow().toString());
    }

    @Test
    void badReferencesSayWhatIsWrong() {
        assertTrue(assertThrows(InvalidReferenceException.class, () -> StoreReference.parse("app:1.0"))
                .getMessage().contains("name the registry"));
        assertTrue(assertThrows(InvalidReferenceException.class, () -> StoreReference.parse("docker/app:1.0"))
                .getMessage().contains("not a registry host"));
        assertTrue(assertThrows(InvalidReferenceException.class, () -> StoreReference.parse("h.io/App:1"))
                .getMessage().contains("repository"));
        assertTrue(assertThrows(InvalidReferenceException.class, () -> StoreReference.parse("h.io/app:1.0+b"))
                .getMessage().contains("'+' is written '_'"));
        assertTrue(assertThrows(InvalidReferenceException.class, () -> StoreReference.parse("h.io/app@sha256:12"))
                .getMessage().contains("digest"));
        assertThrows(InvalidReferenceException.class, () -> StoreReference.parse("oci:"));
        assertThrows(InvalidReferenceException.class, () -> StoreReference.parse(""));
    }
}
