package dev.updater.delta;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Applies a classic BSDIFF40 patch. Its three streams are read side by side, so a patch arriving as a stream is
 * first spooled to a temporary file (disk, not heap). Semantics follow bspatch: old bytes outside the old file
 * count as zero. The format carries no digests: callers verify the result against the digest they expect.
 */
final class Bsdiff40Applier {
    private static final int CHUNK = 1 << 16;
    /** bsdiff emits at most about one pure-seek control per new byte; a stream of them beyond this is hostile. */
    private static final long EXTRA_CONTROLS = 1 << 20;

    private Bsdiff40Applier() {}

    static void apply(Path oldPath, InputStream patch, Path newPath, DeltaEngine.Checks checks)
            throws IOException {
        Path directory = newPath.toAbsolutePath().getParent();
        Path spool = Files.createTempFile(directory, "." + newPath.getFileName(), ".bsdiff");
        try {
            try (var out = Files.newOutputStream(spool)) {
                new PatchInput(patch, "bytes").transferTo(out);
            }
            try (FileChannel patchFile = FileChannel.open(spool, StandardOpenOption.READ)) {
                apply(oldPath, patchFile, newPath, checks);
            }
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private static void apply(Path oldPath, FileChannel patch, Path newPath, DeltaEngine.Checks checks)
            throws IOException {
        long patchSize = patch.size();
        if (patchSize < 32) {
            throw new PatchException("bsdiff patch is shorter than its 32-byte header (truncated download?)");
        }
        byte[] header = new byte[32];
        patch.read(ByteBuffer.wrap(header), 0);
        if (!Arrays.equals(header, 0, 8, Bsdiff40Writer.MAGIC, 0, 8)) {
            throw new PatchException("not a BSDIFF40 patch (bad magic)");
        }
        long controlLength = PatchIo.readBsdiffLong(header, 8);
        long differenceLength = PatchIo.readBsdiffLong(header, 16);
        long newSize = PatchIo.readBsdiffLong(header, 24);
        if (controlLength < 0 || differenceLength < 0 || controlLength > patchSize - 32
                || differenceLength > patchSize - 32 - controlLength) {
            throw new PatchException("bsdiff patch header declares streams longer than the " + patchSize
                    + "-byte patch (truncated or corrupt)");
        }
        if (newSize < 0 || newSize > UpdaterFormat.MAX_FILE_SIZE) {
            throw new PatchException("bsdiff patch declares an impossible new size of " + newSize + " bytes");
        }
        checks.checkTargetSize(newSize);
        long differenceStart = 32 + controlLength;
        long literalStart = differenceStart + differenceLength;
        try (OldFile old = new OldFile(oldPath);
                InputStream controls = stream(patch, 32, differenceStart, "control stream");
                InputStream differences = stream(patch, differenceStart, literalStart, "difference stream");
                InputStream literals = stream(patch, literalStart, patchSize, "literal stream");
                OutputFile out = checks.targetSha256().isPresent() ? new OutputFile(newPath)
                        : OutputFile.unhashed(newPath)) {
            run(old, controls, differences, literals, out, newSize);
            // bspatch ignores what follows the last needed control; we refuse it, which also makes bzip2 check
            // each stream's final CRC.
            PatchIo.skipToEnd(controls);
            PatchIo.skipToEnd(differences);
            PatchIo.skipToEnd(literals);
            // The format has no digests: the caller's expected one is the only check of the result.
            if (checks.targetSha256().isPresent()) {
                checks.checkResultDigest(out.sha256());
            }
            out.commit();
        }
    }

    private static InputStream stream(FileChannel patch, long from, long to, String what) throws IOException {
        InputStream region = new BufferedInputStream(new Region(patch, from, to), CHUNK);
        try {
            return new PatchInput(new BZip2CompressorInputStream(region, false), what);
        } catch (IOException | RuntimeException e) {
            throw new PatchException("bsdiff patch is corrupt: its " + what + " is not bzip2 data", e);
        }
    }

    private static void run(OldFile old, InputStream controls, InputStream differences, InputStream literals,
            OutputFile out, long newSize) throws IOException {
        long oldSize = old.size();
        byte[] control = new byte[24];
        byte[] chunk = new byte[CHUNK];
        byte[] oldChunk = new byte[CHUNK];
        long newPosition = 0;
        long oldPosition = 0;
        long controlsLeft = newSize + EXTRA_CONTROLS;
        while (newPosition < newSize) {
            if (--controlsLeft < 0) {
                throw new PatchException("bsdiff patch has more controls than its output can need (hostile patch)");
            }
            PatchIo.readFully(controls, control, 0, 24, "the control stream");
            long add = PatchIo.readBsdiffLong(control, 0);
            long copy = PatchIo.readBsdiffLong(control, 8);
            long seek = PatchIo.readBsdiffLong(control, 16);
            if (add < 0 || copy < 0 || add > newSize - newPosition || copy > newSize - newPosition - add) {
                throw new PatchException("bsdiff patch control asks for lengths (" + add + ", " + copy + ") beyond the "
                        + newSize + "-byte output");
            }
            for (long done = 0; done < add; ) {
                int n = (int) Math.min(CHUNK, add - done);
                PatchIo.readFully(differences, chunk, 0, n, "the difference stream");
                addOld(old, oldSize, oldPosition + done, oldChunk, chunk, n);
                out.write(chunk, 0, n);
                done += n;
            }
            for (long done = 0; done < copy; ) {
                int n = (int) Math.min(CHUNK, copy - done);
                PatchIo.readFully(literals, chunk, 0, n, "the literal stream");
                out.write(chunk, 0, n);
                done += n;
            }
            if (Math.abs(seek) > UpdaterFormat.MAX_FILE_SIZE
                    || Math.abs(oldPosition + add + seek) > UpdaterFormat.MAX_FILE_SIZE) {
                throw new PatchException("bsdiff patch seeks by " + seek + " to an impossible old position");
            }
            newPosition += add + copy;
            oldPosition += add + seek;
        }
    }

    /** Adds the old bytes at {@code [position, position + n)} that exist; bspatch treats the others as zero. */
    private static void addOld(OldFile old, long oldSize, long position, byte[] oldChunk, byte[] chunk, int n)
            throws IOException {
        long from = Math.max(position, 0);
        long to = Math.min(position + n, oldSize);
        if (from >= to) {
            return;
        }
        int length = (int) (to - from);
        old.read(from, oldChunk, 0, length);
        int offset = (int) (from - position);
        for (int k = 0; k < length; k++) {
            chunk[offset + k] += oldChunk[k];
        }
    }

    /** Bytes {@code [from, to)} of the spooled patch, read by position so three regions can be read at once. */
    private static final class Region extends InputStream {
        private final FileChannel channel;
        private long position;
        private final long end;

        Region(FileChannel channel, long from, long to) {
            this.channel = channel;
            this.position = from;
            this.end = to;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= end) {
                return -1;
            }
            int n = (int) Math.min(len, end - position);
            int read = channel.read(ByteBuffer.wrap(b, off, n), position);
            if (read > 0) {
                position += read;
            }
            return read;
        }
    }
}
