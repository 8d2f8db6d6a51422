package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Patches of format version 1, committed as the code before version 2 wrote them ({@code update diff
 * --compression zstd|xz} of {@code v1/old.bin} and {@code v1/new.bin}): devices keep applying what was published
 * before, with either zstd decoder.
 */
class Version1PatchesTest {
    private static final String DIR = "/dev/updater/delta/v1/";

    @Test
    void committedVersion1PatchesStillApply() throws IOException {
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            Path oldFile = files.write("old", resource("old.bin"));
            byte[] newData = resource("new.bin");
            for (String name : new String[] {"zstd.patch", "xz.patch"}) {
                byte[] patch = resource(name);
                assertEquals(UpdaterFormat.VERSION_1, patch[8], name);
                for (String decoder : new String[] {"", "java"}) {
                    System.setProperty("update.zstd.decoder", decoder);
                    try (InputStream in = DeltaEngine.class.getResourceAsStream(DIR + name)) {
                        Path rebuilt = files.dir.resolve("rebuilt");
                        DeltaEngine.apply(oldFile, in, PatchFormat.UPDATER, rebuilt);
                        assertArrayEquals(newData, Files.readAllBytes(rebuilt), name + " " + decoder);
                        Files.delete(rebuilt);
                    } finally {
                        System.clearProperty("update.zstd.decoder");
                    }
                }
            }
        }
    }

    @Test
    void theWriterWritesVersion2AndItIsSmallerOnTheSamePair() throws IOException {
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            Path oldFile = files.write("old", resource("old.bin"));
            Path newFile = files.write("new", resource("new.bin"));
            for (PatchCompression compression : PatchCompression.values()) {
                Path patch = files.dir.resolve("patch");
                DeltaEngine.diff(oldFile, newFile, patch, PatchFormat.UPDATER, compression);
                byte[] bytes = Files.readAllBytes(patch);
                assertEquals(UpdaterFormat.VERSION, bytes[8]);
                int version1 = resource(compression.id() + ".patch").length;
                org.junit.jupiter.api.Assertions.assertTrue(bytes.length < version1,
                        compression.id() + ": " + bytes.length + " bytes against version 1's " + version1);
            }
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DeltaEngine.class.getResourceAsStream(DIR + name)) {
            return in.readAllBytes();
        }
    }
}
