package dev.updater.delta;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import dev.updater.registry.io.Durable;
import dev.updater.schema.Digest;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Binary deltas between two versions of a file.
 *
 * <pre>{@code
 * DeltaEngine.diff(oldApp, newApp, patch, PatchFormat.UPDATER);           // publisher
 * try (InputStream in = blobStream) {
 *     DeltaEngine.apply(installedApp, in, PatchFormat.UPDATER, newApp);  // client: streams, verifies, renames
 * } catch (PatchException e) {
 *     // fall back to the full payload: nothing was written at newApp
 * }
 * }</pre>
 *
 * <p>Diff holds both files and an index of the old one in memory (a sparse suffix array and a filter of its 9-byte
 * strings: about 2x the old size plus the new size; 3x while the suffix array is built), and, since it compresses
 * while it still matches, the tables of one encoder at the same time (zstd level 19: about 18 MiB and two 4 MiB native
 * buffers; xz: about 46 MiB).
 * Apply reads the old file by position and writes the new one sequentially, with a heap use bounded by its buffers.
 */
public final class DeltaEngine {
    /** Old files from this size on get a full collection once their suffix array is built (see diff). */
    private static final int COLLECT_AFTER_INDEX = 4 << 20;

    /** Files a diff loads into arrays: Java arrays stop just below 2 GiB. */
    static final long MAX_DIFF_INPUT = Integer.MAX_VALUE - 64;

    private DeltaEngine() {}

    /**
     * Writes to {@code patchOut} a patch that turns {@code oldFile} into {@code newFile}. The patch appears at
     * {@code patchOut} complete or not at all.
     */
    public static void diff(Path oldFile, Path newFile, Path patchOut, PatchFormat format) throws IOException {
        diff(oldFile, newFile, patchOut, format, PatchCompression.forTarget(Files.size(newFile)));
    }

    /** As {@link #diff(Path, Path, Path, PatchFormat)}, an updater patch's body in {@code compression}. */
    public static void diff(Path oldFile, Path newFile, Path patchOut, PatchFormat format,
            PatchCompression compression) throws IOException {
        diff(oldFile, Optional.empty(), newFile, Optional.empty(), patchOut, format, compression);
    }

    /**
     * As {@link #diff(Path, Path, Path, PatchFormat)}, for a caller that already hashed both files (a publisher
     * knows its payload's digest and verified the old one when it fetched it): the header takes these digests
     * instead of hashing the files again. They must be the SHA-256 of exactly these files, or no client can apply
     * the patch.
     */
    public static void diff(Path oldFile, Digest oldSha256, Path newFile, Digest newSha256, Path patchOut,
            PatchFormat format, PatchCompression compression) throws IOException {
        diff(oldFile, Optional.of(oldSha256), newFile, Optional.of(newSha256), patchOut, format, compression);
    }

    private static void diff(Path oldFile, Optional<Digest> knownOld, Path newFile, Optional<Digest> knownNew,
            Path patchOut, PatchFormat format, PatchCompression compression) throws IOException {
        // The new file is read, and both digests and the differ's other tables computed, on a second thread while
        // the suffix array (one thread) is built. The patch is then written while the differ still matches:
        // compression overlaps matching.
        byte[] oldData = readForDiff(oldFile);
        ExecutorService helper = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "delta-reader");
            thread.setDaemon(true);
            return thread;
        });
        try (Durable.Pending patch = Durable.create(patchOut)) {
            Future<byte[]> newLoad = helper.submit(() -> readForDiff(newFile));
            Future<byte[]> oldDigest = knownOld.isPresent()
                    ? CompletableFuture.completedFuture(knownOld.get().bytes())
                    : helper.submit(() -> Sha256.of(oldData));
            Future<OldIndex> index = helper.submit(() -> new OldIndex(oldData, Differ.SAMPLE_STEP));
            int[] suffixes = SuffixArrays.sampled(oldData, Differ.SAMPLE_STEP);
            if (oldData.length >= COLLECT_AFTER_INDEX) {
                // The suffix array's work arrays (1.5x the old file) are garbage now, in the old generation when
                // the young one is small (as the launcher sets it for diff): collected here, their memory is reused by
                // the compressor's tables instead of added to them. Measured peak RSS with -Xmn16m: esbuild 0.20 to
                // 0.24 (10 MB) 307 to 229 MB, biome (28 MB) 311 to 285 MB; no change in time.
                System.gc();
            }
            byte[] newData = await(newLoad);
            Future<byte[]> newDigest = knownNew.isPresent()
                    ? CompletableFuture.completedFuture(knownNew.get().bytes())
                    : helper.submit(() -> Sha256.of(newData));
            try (Differ.Slices slices = Differ.planInSlices(oldData, suffixes, await(index), newData,
                    Runtime.getRuntime().availableProcessors(), Differ.PARALLEL_THRESHOLD, Differ.STREAM_SLICE);
                    OutputStream out = new BufferedOutputStream(patch.stream(), 1 << 16)) {
                suffixes = null;
                index = null;
                switch (format) {
                    case UPDATER -> UpdaterPatchWriter.write(oldData, newData, await(oldDigest), await(newDigest),
                            oldData.length >= COLLECT_AFTER_INDEX ? collectedAfterTheLast(slices) : slices, out,
                            compression);
                    case BSDIFF40 -> Bsdiff40Writer.write(oldData, newData, slices.whole(), out);
                }
            }
            patch.commit();
        } finally {
            helper.shutdownNow();
        }
    }

    /**
     * The slices, with a full collection once the last one is taken: the suffix array and the old file's index
     * (1.2x the old file) are garbage then, and the last blocks' compressors take their place instead of adding to them (the launcher lets a collection give memory back).
     * Measured peak RSS of biome 1.9 (28 MB), with two compressors then: 263 to 226 MB.
     */
    private static UpdaterPatchWriter.PlanSlices collectedAfterTheLast(Differ.Slices slices) {
        return new UpdaterPatchWriter.PlanSlices() {
            @Override
            public int count() {
                return slices.count();
            }

            @Override
            public DeltaPlan slice(int index) {
                DeltaPlan plan = slices.slice(index);
                if (index == slices.count() - 1) {
                    System.gc();
                }
                return plan;
            }
        };
    }

    /** The task's result; its failure rethrown as it was thrown, when it can be. */
    static <T> T await(Future<T> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while computing a delta", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Applies {@code patch} to {@code oldFile}, writing {@code newFileOut} through a temporary file renamed into place
     * once the result is verified. For {@link PatchFormat#UPDATER} the source's size is checked before anything is
     * written and its digest (computed on a second thread while the patch is applied) before the target's digest;
     * BSDIFF40 carries no digests, so its caller checks the result's digest itself.
     *
     * @throws PatchException the patch is truncated, corrupt, hostile or for another source; nothing is left at
     *     {@code newFileOut}
     * @throws IOException reading the old file or writing the new one failed
     */
    public static void apply(Path oldFile, InputStream patch, PatchFormat format, Path newFileOut)
            throws IOException {
        apply(oldFile, patch, format, newFileOut, OptionalLong.empty());
    }

    /**
     * As {@link #apply(Path, InputStream, PatchFormat, Path)}, and refuses before writing anything a patch whose
     * target is not {@code expectedTargetSize} bytes (the payload size the update manifest gives): this bounds the
     * disk a hostile patch can make a device fill, which matters most for BSDIFF40 (no digests).
     */
    public static void apply(Path oldFile, InputStream patch, PatchFormat format, Path newFileOut,
            long expectedTargetSize) throws IOException {
        apply(oldFile, patch, format, newFileOut, OptionalLong.of(expectedTargetSize));
    }

    /**
     * What the caller of an apply already knows from sources it trusts: the SHA-256 of the old file (which it
     * computed to choose the patch) and the size and SHA-256 the result must have (the update manifest's payload).
     */
    public record Expected(Digest source, long targetSize, Digest target) {
        public Expected {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
            if (targetSize < 0) {
                throw new IllegalArgumentException("target size " + targetSize + " is negative");
            }
        }
    }

    /**
     * As {@link #apply(Path, InputStream, PatchFormat, Path)}, for a caller that knows the digests: a patch whose
     * header names another source or target, or another target size, is refused before anything is written; the
     * old file is not hashed again; and a BSDIFF40 result, which carries no digest, is checked against
     * {@code expected.target()} before it is renamed into place. So {@code newFileOut}, once there, is the
     * expected file and needs no second hash.
     */
    public static void apply(Path oldFile, InputStream patch, PatchFormat format, Path newFileOut, Expected expected)
            throws IOException {
        apply(oldFile, patch, format, newFileOut, new Checks(OptionalLong.of(expected.targetSize()),
                Optional.of(expected.source().bytes()), Optional.of(expected.target().bytes())));
    }

    private static void apply(Path oldFile, InputStream patch, PatchFormat format, Path newFileOut,
            OptionalLong expectedTargetSize) throws IOException {
        apply(oldFile, patch, format, newFileOut, new Checks(expectedTargetSize, Optional.empty(), Optional.empty()));
    }

    private static void apply(Path oldFile, InputStream patch, PatchFormat format, Path newFileOut, Checks checks)
            throws IOException {
        switch (format) {
            case UPDATER -> UpdaterPatchApplier.apply(oldFile, patch, newFileOut, checks);
            case BSDIFF40 -> Bsdiff40Applier.apply(oldFile, patch, newFileOut, checks);
        }
    }

    /** What an applier checks besides the patch's own header: each part only when the caller knows it. */
    record Checks(OptionalLong targetSize, Optional<byte[]> sourceSha256, Optional<byte[]> targetSha256) {
        /** Refuses a declared target size other than the caller's expectation. */
        void checkTargetSize(long declared) {
            if (targetSize.isPresent() && targetSize.getAsLong() != declared) {
                throw new PatchException("patch produces " + declared + " bytes but " + targetSize.getAsLong()
                        + " are expected: it is not a patch to this payload");
            }
        }

        /** Refuses a result (of a format without digests) other than the one the caller expects. */
        void checkResultDigest(byte[] actual) {
            targetSha256.ifPresent(expected -> {
                if (!MessageDigest.isEqual(expected, actual)) {
                    throw new PatchException("patched file has SHA-256 " + Sha256.hex(actual) + " but "
                            + Sha256.hex(expected) + " is expected: the patch is corrupt or was made for another "
                            + "source");
                }
            });
        }

        /** Refuses a patch whose header promises another target than the caller expects. */
        void checkTargetDigest(byte[] declared) {
            targetSha256.ifPresent(expected -> {
                if (!MessageDigest.isEqual(expected, declared)) {
                    throw new PatchException("patch produces a file with SHA-256 " + Sha256.hex(declared)
                            + " but " + Sha256.hex(expected) + " is expected: it is not a patch to this payload");
                }
            });
        }
    }

    /** The format of a patch file, from its first bytes; a {@link PatchException} if it is neither. */
    public static PatchFormat detectFormat(Path patch) throws IOException {
        byte[] start = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(patch)) {
            n = in.readNBytes(start, 0, 8);
        }
        if (n == 8 && Arrays.equals(start, UpdaterFormat.MAGIC)) {
            return PatchFormat.UPDATER;
        }
        if (n == 8 && Arrays.equals(start, Bsdiff40Writer.MAGIC)) {
            return PatchFormat.BSDIFF40;
        }
        throw new PatchException(patch + " is not a patch this tool knows (neither an updater patch nor BSDIFF40)");
    }

    private static byte[] readForDiff(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_DIFF_INPUT) {
            throw new IOException(file + " is " + size + " bytes; diff handles files up to 2 GiB");
        }
        // Read in chunks: one large read into a heap array makes NIO allocate (and cache) a native buffer of the
        // whole file's size, which shows in the peak memory as a second copy of each file.
        byte[] data = new byte[(int) size];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int filled = 0;
            while (filled < data.length) {
                int n = channel.read(ByteBuffer.wrap(data, filled, Math.min(1 << 20, data.length - filled)));
                if (n < 0) {
                    throw new IOException(file + " shrank while it was read");
                }
                filled += n;
            }
        }
        return data;
    }
}
