package dev.updater.delta;

import static dev.updater.delta.UpdaterFormat.HEADER_SIZE;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import org.tukaani.xz.SingleXZInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Applies a patch in our format reading it once, front to back. Every number is checked against the header and the
 * format's hard limits before it is used; the heap holds one segment's steps and difference bytes at most, plus a
 * few fixed buffers. Four threads share the work: the caller's applies, one decodes the body
 * ({@link DecodingInput}), one hashes the source ({@link SourceDigest}) and one the output ({@link ParallelDigest}).
 */
final class UpdaterPatchApplier {
    private UpdaterPatchApplier() {}

    record Header(int version, int compression, long sourceSize, long targetSize, byte[] sourceSha256,
            byte[] targetSha256) {}

    static Header readHeader(InputStream patch) throws IOException {
        byte[] header = new byte[HEADER_SIZE];
        PatchIo.readFully(patch, header, 0, 8, "the header");
        if (!Arrays.equals(header, 0, 8, UpdaterFormat.MAGIC, 0, 8)) {
            throw new PatchException("not an updater patch (bad magic; a bsdiff patch starts with BSDIFF40)");
        }
        PatchIo.readFully(patch, header, 8, HEADER_SIZE - 8, "the header");
        if (header[8] != UpdaterFormat.VERSION && header[8] != UpdaterFormat.VERSION_1) {
            throw new PatchException("patch format version " + (header[8] & 0xff) + " is not supported (this client "
                    + "applies versions " + UpdaterFormat.VERSION_1 + " and " + UpdaterFormat.VERSION
                    + "): fetch the full payload instead");
        }
        if (header[9] != UpdaterFormat.COMPRESSION_ZSTD_BLOCKS && header[9] != UpdaterFormat.COMPRESSION_XZ
                && header[9] != UpdaterFormat.COMPRESSION_XZ_BLOCKS) {
            throw new PatchException("patch compression " + (header[9] & 0xff) + " is not supported (this client "
                    + "applies " + UpdaterFormat.COMPRESSION_ZSTD_BLOCKS + ", " + UpdaterFormat.COMPRESSION_XZ
                    + " and " + UpdaterFormat.COMPRESSION_XZ_BLOCKS + "): fetch the full payload instead");
        }
        for (int i = 10; i < 16; i++) {
            if (header[i] != 0) {
                throw new PatchException("patch header has non-zero reserved bytes");
            }
        }
        long sourceSize = PatchIo.readLongBigEndian(header, 16);
        long targetSize = PatchIo.readLongBigEndian(header, 24);
        if (sourceSize < 0 || sourceSize > UpdaterFormat.MAX_FILE_SIZE
                || targetSize < 0 || targetSize > UpdaterFormat.MAX_FILE_SIZE) {
            throw new PatchException("patch header declares impossible sizes (source " + sourceSize + ", target "
                    + targetSize + " bytes)");
        }
        return new Header(header[8], header[9], sourceSize, targetSize, Arrays.copyOfRange(header, 32, 64),
                Arrays.copyOfRange(header, 64, 96));
    }

    static void apply(Path oldPath, InputStream patch, Path newPath, DeltaEngine.Checks checks)
            throws IOException {
        InputStream raw = new PatchInput(patch, "header");
        Header header = readHeader(raw);
        checks.checkTargetSize(header.targetSize());
        checks.checkTargetDigest(header.targetSha256());
        try (OldFile old = new OldFile(oldPath)) {
            if (old.size() != header.sourceSize()) {
                throw new PatchException("patch was made for a source of " + header.sourceSize() + " bytes, but "
                        + oldPath + " has " + old.size() + ": it applies to another version");
            }
            // The source is hashed while the patch is applied into the temporary output; nothing reaches newPath
            // unless both its digest and the target's match the header.
            try (SourceDigest source = checks.sourceSha256().map(SourceDigest::known)
                    .orElseGet(() -> new SourceDigest(old));
                    InputStream body = new DecodingInput(new PatchInput(
                            new LazyDecoder(patch, header.compression()), "compressed body"));
                    OutputFile out = new OutputFile(newPath)) {
                SourceCheck sourceCheck = new SourceCheck(source, header, oldPath);
                sourceCheck.verifyIfDone(); // a known source digest is checked before anything is written
                new Segments(old, header, body, out, sourceCheck).applyAll();
                PatchIo.skipToEnd(body);
                PatchIo.skipToEnd(new PatchInput(patch, "end"));
                sourceCheck.verify();
                byte[] targetDigest = out.sha256();
                if (!MessageDigest.isEqual(targetDigest, header.targetSha256())) {
                    throw new PatchException("patched file has SHA-256 " + Sha256.hex(targetDigest) + " but the patch "
                            + "promised " + Sha256.hex(header.targetSha256()) + ": the patch is corrupt");
                }
                out.commit();
            }
        }
    }

    /** Compares the source's digest with the header's, as soon as it is known. */
    private record SourceCheck(SourceDigest source, Header header, Path oldPath) {
        /** Fails early, between segments, once the digest is known to be wrong: no point applying further. */
        void verifyIfDone() throws IOException {
            if (source.isDone()) {
                verify();
            }
        }

        void verify() throws IOException {
            byte[] sourceDigest = source.await();
            if (!MessageDigest.isEqual(sourceDigest, header.sourceSha256())) {
                throw new PatchException("patch was made for a source with SHA-256 " + Sha256.hex(header.sourceSha256())
                        + ", but " + oldPath + " has " + Sha256.hex(sourceDigest) + ": it applies to another version");
            }
        }
    }

    /** The body's segments, applied one after the other into the output. */
    private static final class Segments {
        private final OldFile old;
        private final Header header;
        private final InputStream body;
        private final OutputFile out;
        private final SourceCheck sourceCheck;
        private long[] adds = new long[0];
        private long[] copies = new long[0];
        private long[] oldPositions = new long[0];
        private final SegmentDifferences differences = new SegmentDifferences();
        /** Version 2: where the previous step's source bytes ended, which positions are relative to. */
        private long previousEnd;
        private final DifferenceRunsReader runs;
        private final byte[] literalChunk = new byte[1 << 16];
        private final byte[] callSource = new byte[CallAddresses.WINDOW_BYTES];
        /** A window's converted sum after the up to INSTRUCTION - 1 bytes the previous one held back. */
        private final byte[] callSum = new byte[CallAddresses.WINDOW_BYTES + CallAddresses.INSTRUCTION - 1];

        Segments(OldFile old, Header header, InputStream body, OutputFile out, SourceCheck sourceCheck) {
            this.old = old;
            this.header = header;
            this.body = body;
            this.out = out;
            this.sourceCheck = sourceCheck;
            this.runs = new DifferenceRunsReader(body);
        }

        void applyAll() throws IOException {
            while (true) {
                long count = PatchIo.readVarint(body, "a segment header");
                if (count == 0) {
                    break;
                }
                if (count > UpdaterFormat.MAX_SEGMENT_STEPS) {
                    throw new PatchException("patch segment has " + count + " steps, more than the limit of "
                            + UpdaterFormat.MAX_SEGMENT_STEPS);
                }
                applySegment((int) count);
                sourceCheck.verifyIfDone();
            }
            if (out.written() != header.targetSize()) {
                throw new PatchException("patch ends after " + out.written() + " of the " + header.targetSize()
                        + " bytes it promised");
            }
        }

        private void applySegment(int count) throws IOException {
            long addTotal = PatchIo.readVarint(body, "a segment header");
            long copyTotal = PatchIo.readVarint(body, "a segment header");
            if (addTotal > UpdaterFormat.MAX_SEGMENT_ADD_BYTES) {
                throw new PatchException("patch segment needs " + addTotal + " difference bytes, more than the limit "
                        + "of " + UpdaterFormat.MAX_SEGMENT_ADD_BYTES);
            }
            if (copyTotal > header.targetSize() || out.written() + addTotal + copyTotal > header.targetSize()) {
                throw new PatchException("patch segment would write past the declared target size of "
                        + header.targetSize() + " bytes");
            }
            readSteps(count, addTotal, copyTotal);
            boolean absoluteCallDifferences = false;
            if (header.version() == UpdaterFormat.VERSION_1) {
                runs.readInterleaved(differences, (int) addTotal);
            } else {
                absoluteCallDifferences = readFilter("differences", UpdaterFormat.DIFFERENCES_CALLS_ABSOLUTE);
                runs.read(differences, (int) addTotal);
            }
            boolean absoluteCalls = header.version() != UpdaterFormat.VERSION_1
                    && readFilter("literals", UpdaterFormat.LITERALS_CALLS_ABSOLUTE);
            int consumed = 0;
            for (int i = 0; i < count; i++) {
                consumed = absoluteCallDifferences ? addFromOldWithCalls(oldPositions[i], (int) adds[i], consumed)
                        : addFromOld(oldPositions[i], (int) adds[i], consumed);
                if (absoluteCalls) {
                    CallAddresses.copyDecoded(body, copies[i], out, literalChunk);
                } else {
                    copyLiteral(copies[i]);
                }
            }
        }

        private void readSteps(int count, long addTotal, long copyTotal) throws IOException {
            if (adds.length < count) {
                adds = new long[count];
                copies = new long[count];
                oldPositions = new long[count];
            }
            adds = readColumn(count, addTotal, adds, "step lengths");
            copies = readColumn(count, copyTotal, copies, "step lengths");
            byte[] position8 = new byte[8];
            for (int i = 0; i < count; i++) {
                if (adds[i] == 0 && copies[i] == 0) {
                    throw new PatchException("patch has an empty step");
                }
                long position;
                if (header.version() == UpdaterFormat.VERSION_1) {
                    PatchIo.readFully(body, position8, 0, 8, "source positions");
                    position = PatchIo.readLongBigEndian(position8, 0);
                } else {
                    // previousEnd is within the source (at most 2^40) and the offset within 2^62: no overflow.
                    position = previousEnd + PatchIo.readSignedVarint(body, "source positions");
                }
                if (position < 0 || position > header.sourceSize() - adds[i]) {
                    throw new PatchException("patch step reads source bytes [" + position + ", +" + adds[i]
                            + ") outside the " + header.sourceSize() + "-byte source");
                }
                oldPositions[i] = position;
                previousEnd = position + adds[i];
            }
        }

        /** Reads {@code count} lengths that must add up to exactly {@code total}. */
        private long[] readColumn(int count, long total, long[] into, String what) throws IOException {
            long sum = 0;
            for (int i = 0; i < count; i++) {
                long value = PatchIo.readVarint(body, what);
                if (value > total - sum) {
                    throw new PatchException("patch " + what + " exceed their segment's totals");
                }
                sum += value;
                into[i] = value;
            }
            if (sum != total) {
                throw new PatchException("patch segment totals do not match its steps");
            }
            return into;
        }

        /** Version 2's byte before the differences or the literals: true if their calls carry absolute addresses. */
        private boolean readFilter(String what, int absolute) throws IOException {
            int filter = body.read();
            if (filter < 0) {
                throw new PatchException("patch ends in the middle of a segment (truncated download?)");
            }
            if (filter != 0 && filter != absolute) {
                throw new PatchException("patch has " + what + " under an unknown filter (" + filter + ")");
            }
            return filter == absolute;
        }

        /**
         * {@link #addFromOld} for differences of absolute call addresses: the source bytes' calls are converted
         * (from their source positions), the differences added, and the sum's calls converted back (from their
         * target positions), a window at a time; a call across a window's end waits for the next window.
         */
        private int addFromOldWithCalls(long position, int length, int consumed) throws IOException {
            long target = out.written();
            int done = 0;
            int held = 0;
            long emitted = 0;
            while (done < length) {
                int remaining = length - done;
                int look = CallAddresses.windowLength(remaining);
                boolean lastWindow = look == remaining;
                old.read(position + done, callSource, 0, look);
                int end = CallAddresses.encodeWindow(callSource, look, remaining, position + done);
                System.arraycopy(callSource, 0, callSum, held, end);
                differences.addTo(callSum, held, consumed + done, end);
                int total = held + end;
                int done2 = CallAddresses.decode(callSum, 0, total, target + emitted);
                int emit = lastWindow ? total : done2;
                out.write(callSum, 0, emit);
                emitted += emit;
                held = total - emit;
                System.arraycopy(callSum, emit, callSum, 0, held);
                done += end;
            }
            return consumed + length;
        }

        /** Source bytes plus difference bytes, computed in place in the output's buffer. */
        private int addFromOld(long position, int length, int consumed) throws IOException {
            while (length > 0) {
                int n = Math.min(length, out.room());
                byte[] target = out.buffer();
                int at = out.offset();
                old.read(position, target, at, n);
                differences.addTo(target, at, consumed, n);
                out.advance(n);
                position += n;
                consumed += n;
                length -= n;
            }
            return consumed;
        }

        private void copyLiteral(long length) throws IOException {
            while (length > 0) {
                int n = (int) Math.min(length, out.room());
                PatchIo.readFully(body, out.buffer(), out.offset(), n, "literal bytes");
                out.advance(n);
                length -= n;
            }
        }
    }

    /**
     * Opens the body's decoder on first read, so that a malformed stream header surfaces as a read failure of the
     * body (and so as a {@link PatchException}), with the decoder's memory limit applied to each stream or frame
     * before anything is allocated. Compression 1 is zstd frames up to the patch's end ({@link ZstdCodec}); 2 is
     * one xz stream; 3 is xz streams one after another up to the patch's end.
     */
    private static final class LazyDecoder extends InputStream {
        private final InputStream raw;
        private final int compression;
        private InputStream decoder;

        LazyDecoder(InputStream raw, int compression) {
            this.raw = raw;
            this.compression = compression;
        }

        private InputStream decoder() throws IOException {
            if (decoder == null) {
                decoder = switch (compression) {
                    case UpdaterFormat.COMPRESSION_ZSTD_BLOCKS -> ZstdCodec.decompress(raw, ZstdCodec.decoder());
                    case UpdaterFormat.COMPRESSION_XZ -> new SingleXZInputStream(raw, UpdaterFormat.XZ_MEMORY_LIMIT_KIB);
                    default -> new XZInputStream(raw, UpdaterFormat.XZ_MEMORY_LIMIT_KIB);
                };
            }
            return decoder;
        }

        @Override
        public int read() throws IOException {
            return decoder().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return decoder().read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (decoder != null) {
                decoder.close();
            }
        }
    }
}
