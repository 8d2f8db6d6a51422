package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.schema.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An apply told the digests the caller trusts (a pull: its base's hash and the manifest's payload). */
class DeltaExpectedTest {
    private final byte[] oldData = DeltaTestFiles.codeLike(11, 60_000);
    private final byte[] newData = DeltaTestFiles.nextRelease(oldData, 12);
    private final byte[] otherData = DeltaTestFiles.nextRelease(oldData, 13);

    @ParameterizedTest
    @EnumSource(PatchFormat.class)
    void theExpectedResultIsWritten(PatchFormat format) throws IOException {
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            Path rebuilt = apply(files, format, new DeltaEngine.Expected(Digest.of(oldData), newData.length,
                    Digest.of(newData)));
            assertArrayEquals(newData, Files.readAllBytes(rebuilt));
        }
    }

    /** The patch is genuine, but for another payload than the manifest's: refused, nothing written. */
    @ParameterizedTest
    @EnumSource(PatchFormat.class)
    void aPatchToAnotherTargetIsRefused(PatchFormat format) throws IOException {
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            PatchException e = assertThrows(PatchException.class, () -> apply(files, format,
                    new DeltaEngine.Expected(Digest.of(oldData), newData.length, Digest.of(otherData))));
            assertTrue(e.getMessage().contains(Digest.of(otherData).hex()), e.getMessage());
            assertFalse(Files.exists(files.dir.resolve("rebuilt")));
        }
    }

    /** The caller's hash of its base disagrees with the patch's source: refused before anything is applied. */
    @org.junit.jupiter.api.Test
    void aPatchFromAnotherSourceIsRefused() throws IOException {
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            PatchException e = assertThrows(PatchException.class, () -> apply(files, PatchFormat.UPDATER,
                    new DeltaEngine.Expected(Digest.of(otherData), newData.length, Digest.of(newData))));
            assertTrue(e.getMessage().contains("applies to another version"), e.getMessage());
            assertFalse(Files.exists(files.dir.resolve("rebuilt")));
        }
    }

    private Path apply(DeltaTestFiles files, PatchFormat format, DeltaEngine.Expected expected) throws IOException {
        Path oldFile = files.write("old", oldData);
        Path patch = files.dir.resolve("patch");
        DeltaEngine.diff(oldFile, files.write("new", newData), patch, format);
        Path rebuilt = files.dir.resolve("rebuilt");
        try (InputStream in = Files.newInputStream(patch)) {
            DeltaEngine.apply(oldFile, in, format, rebuilt, expected);
        }
        return rebuilt;
    }
}
