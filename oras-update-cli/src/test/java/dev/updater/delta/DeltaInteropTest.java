package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BSDIFF40 interoperability with Debian's bsdiff and bspatch, both directions, on corpus-like inputs. */
class DeltaInteropTest {
    private static final Path BSDIFF = Path.of("/usr/bin/bsdiff");
    private static final Path BSPATCH = Path.of("/usr/bin/bspatch");

    @BeforeAll
    static void toolsInstalled() {
        // CI installs them (.ci/run); a developer machine without them skips rather than fails.
        assumeTrue(Files.isExecutable(BSDIFF) && Files.isExecutable(BSPATCH), "Debian bsdiff/bspatch not installed");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void debianBspatchAppliesOurPatches(int seed) throws Exception {
        byte[] oldData = input(seed);
        byte[] newData = DeltaTestFiles.nextRelease(oldData, seed + 100);
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            Path oldFile = files.write("old", oldData);
            Path newFile = files.write("new", newData);
            Path patch = files.dir.resolve("ours.bsdiff");
            DeltaEngine.diff(oldFile, newFile, patch, PatchFormat.BSDIFF40);

            Path rebuilt = files.dir.resolve("rebuilt");
            run(BSPATCH.toString(), oldFile.toString(), rebuilt.toString(), patch.toString());

            assertArrayEquals(newData, Files.readAllBytes(rebuilt));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void weApplyDebianBsdiffPatches(int seed) throws Exception {
        // Debian's bsdiff cannot mmap an empty old file: its smallest case here is a tiny one.
        byte[] oldData = seed == 3 ? DeltaTestFiles.codeLike(3, 100) : input(seed);
        byte[] newData = DeltaTestFiles.nextRelease(oldData, seed + 200);
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            Path oldFile = files.write("old", oldData);
            Path newFile = files.write("new", newData);
            Path patch = files.dir.resolve("debian.bsdiff");
            run(BSDIFF.toString(), oldFile.toString(), newFile.toString(), patch.toString());

            Path rebuilt = files.dir.resolve("rebuilt");
            try (InputStream in = Files.newInputStream(patch)) {
                DeltaEngine.apply(oldFile, in, PatchFormat.BSDIFF40, rebuilt);
            }

            assertArrayEquals(newData, Files.readAllBytes(rebuilt));
            assertEquals(PatchFormat.BSDIFF40, DeltaEngine.detectFormat(patch));
        }
    }

    /** Seeds 0-2: code-like bytes of different sizes; seed 3: an empty old file. */
    private static byte[] input(int seed) {
        return seed == 3 ? new byte[0] : DeltaTestFiles.codeLike(seed, 60_000 + seed * 70_000);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " timed out");
        }
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed: " + output);
    }
}
