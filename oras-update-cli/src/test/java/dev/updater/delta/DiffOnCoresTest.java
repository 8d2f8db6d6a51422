package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The same two files give the same patch bytes whatever the machine's core count: each diff runs in its own JVM
 * told it has 1, 2 or 4 processors ({@code -XX:ActiveProcessorCount}), as a publisher on another CI runner would
 * be, on files large enough to be matched in parallel slices ({@link Differ#PARALLEL_THRESHOLD}) and compressed in
 * several blocks.
 */
class DiffOnCoresTest {
    private static final int SIZE = Differ.PARALLEL_THRESHOLD + (3 << 20);

    @Test
    void patchBytesDoNotDependOnTheCoreCount() throws Exception {
        try (DeltaTestFiles files = new DeltaTestFiles()) {
            byte[] oldData = DeltaTestFiles.codeLike(15, SIZE);
            byte[] newData = DeltaTestFiles.nextRelease(oldData, 16);
            Path oldFile = files.write("old", oldData);
            Path newFile = files.write("new", newData);
            byte[] onOne = diffOn(1, oldFile, newFile, files.dir.resolve("patch-1"));
            for (int cores : new int[] {2, 4}) {
                assertArrayEquals(onOne, diffOn(cores, oldFile, newFile, files.dir.resolve("patch-" + cores)),
                        "patch made on " + cores + " cores differs from the one made on 1");
            }
            Path rebuilt = files.dir.resolve("rebuilt");
            try (InputStream in = Files.newInputStream(files.dir.resolve("patch-1"))) {
                DeltaEngine.apply(oldFile, in, PatchFormat.UPDATER, rebuilt);
            }
            assertArrayEquals(newData, Files.readAllBytes(rebuilt));
        }
    }

    /** The patch {@link Child} makes in a JVM that sees {@code cores} processors (and says it saw them). */
    private static byte[] diffOn(int cores, Path oldFile, Path newFile, Path patch) throws Exception {
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ActiveProcessorCount=" + cores, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                oldFile.toString(), newFile.toString(), patch.toString()))
                .redirectErrorStream(true)
                .start();
        String output;
        try (InputStream in = child.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the diff on " + cores + " cores did not finish");
        assertEquals(0, child.exitValue(), output);
        assertEquals("processors " + cores, output.strip());
        return Files.readAllBytes(patch);
    }

    /** Diffs its arguments (old, new, patch) with the default zstd body, after printing the processors it sees. */
    public static final class Child {
        public static void main(String[] args) throws IOException {
            System.out.println("processors " + Runtime.getRuntime().availableProcessors());
            DeltaEngine.diff(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), PatchFormat.UPDATER,
                    PatchCompression.ZSTD);
        }
    }
}
