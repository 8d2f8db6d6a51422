package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code update diff} and {@code update patch} run in-process, as a user would call them. */
class DeltaCommandsTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void diffThenPatchRebuildsTheNewFileInBothFormats() throws IOException {
        byte[] oldData = new byte[50_000];
        new Random(1).nextBytes(oldData);
        byte[] newData = oldData.clone();
        newData[1234] ^= 1;
        Path oldFile = Files.write(dir.resolve("old"), oldData);
        Path newFile = Files.write(dir.resolve("new"), newData);

        for (String format : new String[] {"updater", "bsdiff40"}) {
            Path patch = dir.resolve("p-" + format);
            Path rebuilt = dir.resolve("rebuilt-" + format);
            assertEquals(ExitCode.OK, run("diff", oldFile.toString(), newFile.toString(), patch.toString(),
                    "--format", format), err.toString());
            assertEquals(ExitCode.OK, run("patch", oldFile.toString(), patch.toString(), rebuilt.toString()),
                    err.toString());
            assertArrayEquals(newData, Files.readAllBytes(rebuilt));
        }
        assertTrue(out.toString().contains("SHA-256 verified"), out.toString());
    }

    @Test
    void aPatchForAnotherSourceExitsWithVerificationAndWritesNothing() throws IOException {
        Path a = Files.write(dir.resolve("a"), "version one of the file".getBytes());
        Path b = Files.write(dir.resolve("b"), "version two of the file".getBytes());
        Path other = Files.write(dir.resolve("other"), "some other file entirely".getBytes());
        Path patch = dir.resolve("a-to-b.patch");
        assertEquals(ExitCode.OK, run("diff", a.toString(), b.toString(), patch.toString()));

        Path result = dir.resolve("result");
        assertEquals(ExitCode.VERIFICATION, run("patch", other.toString(), patch.toString(), result.toString()));
        assertTrue(err.toString().contains("another version"), err.toString());
        assertFalse(Files.exists(result));
    }

    @Test
    void unknownFormatAndMissingFilesAreUsageErrors() {
        assertEquals(ExitCode.USAGE, run("diff", "x", "y", "z", "--format", "vcdiff"));
        assertEquals(ExitCode.USAGE, run("patch", dir.resolve("missing").toString(), "p", "n"));
    }

    @Test
    void aTruncatedZstdPatchIsAVerificationFailureAndAMissingOutputDirectoryAUsageError() throws IOException {
        byte[] oldData = new byte[40_000];
        new Random(2).nextBytes(oldData);
        byte[] newData = oldData.clone();
        newData[777] ^= 1;
        Path oldFile = Files.write(dir.resolve("old"), oldData);
        Path newFile = Files.write(dir.resolve("new"), newData);
        Path patch = dir.resolve("p");
        assertEquals(ExitCode.OK, run("diff", oldFile.toString(), newFile.toString(), patch.toString(),
                "--compression", "zstd"), err.toString());
        byte[] whole = Files.readAllBytes(patch);
        Path cut = Files.write(dir.resolve("cut"), java.util.Arrays.copyOf(whole, whole.length - 5));
        Path result = dir.resolve("result");
        assertEquals(ExitCode.VERIFICATION, run("patch", oldFile.toString(), cut.toString(), result.toString()));
        assertTrue(err.toString().contains("truncated"), err.toString());
        assertFalse(Files.exists(result));
        assertEquals(ExitCode.USAGE, run("patch", oldFile.toString(), patch.toString(),
                dir.resolve("no-such-dir/result").toString()));
        assertEquals(ExitCode.USAGE, run("diff", oldFile.toString(), newFile.toString(), patch.toString(),
                "--compression", "lz4"));
    }

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out), new PrintWriter(err));
    }
}
