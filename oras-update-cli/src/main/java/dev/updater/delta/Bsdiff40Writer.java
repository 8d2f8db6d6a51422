package dev.updater.delta;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * Writes a plan in the classic BSDIFF40 format: a 32-byte header ("BSDIFF40", the compressed lengths of the control
 * and difference streams, the new size), then the three bzip2 streams. The difference and literal streams compress
 * on two threads.
 */
final class Bsdiff40Writer {
    static final byte[] MAGIC = "BSDIFF40".getBytes(StandardCharsets.US_ASCII);

    private Bsdiff40Writer() {}

    static void write(byte[] oldData, byte[] newData, DeltaPlan plan, OutputStream out) throws IOException {
        CompletableFuture<byte[]> differences = CompletableFuture.supplyAsync(() -> compress(bz -> {
            byte[] buffer = new byte[1 << 16];
            int newPosition = 0;
            for (int step = 0; step < plan.size(); step++) {
                int oldPosition = plan.oldPosition(step);
                int add = plan.addLength(step);
                for (int done = 0; done < add; ) {
                    int n = Math.min(buffer.length, add - done);
                    for (int k = 0; k < n; k++) {
                        buffer[k] = (byte) (newData[newPosition + done + k] - oldData[oldPosition + done + k]);
                    }
                    bz.write(buffer, 0, n);
                    done += n;
                }
                newPosition += add + plan.copyLength(step);
            }
        }));
        byte[] controls = compress(bz -> writeControls(plan, bz));
        byte[] literals = compress(bz -> {
            int newPosition = 0;
            for (int step = 0; step < plan.size(); step++) {
                newPosition += plan.addLength(step);
                bz.write(newData, newPosition, plan.copyLength(step));
                newPosition += plan.copyLength(step);
            }
        });
        byte[] differenceBytes;
        try {
            differenceBytes = differences.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIo io) {
                throw io.getCause();
            }
            throw e;
        }
        byte[] header = new byte[32];
        System.arraycopy(MAGIC, 0, header, 0, 8);
        PatchIo.writeBsdiffLong(header, 8, controls.length);
        PatchIo.writeBsdiffLong(header, 16, differenceBytes.length);
        PatchIo.writeBsdiffLong(header, 24, newData.length);
        out.write(header);
        out.write(controls);
        out.write(differenceBytes);
        out.write(literals);
    }

    /** bspatch starts reading the old file at 0: a plan starting elsewhere gets a leading pure seek. */
    private static void writeControls(DeltaPlan plan, OutputStream out) throws IOException {
        byte[] control = new byte[24];
        long oldCursor = 0;
        if (plan.size() > 0 && plan.oldPosition(0) != 0) {
            PatchIo.writeBsdiffLong(control, 0, 0);
            PatchIo.writeBsdiffLong(control, 8, 0);
            PatchIo.writeBsdiffLong(control, 16, plan.oldPosition(0));
            out.write(control);
            oldCursor = plan.oldPosition(0);
        }
        for (int step = 0; step < plan.size(); step++) {
            long afterAdd = oldCursor + plan.addLength(step);
            long next = step + 1 < plan.size() ? plan.oldPosition(step + 1) : afterAdd;
            PatchIo.writeBsdiffLong(control, 0, plan.addLength(step));
            PatchIo.writeBsdiffLong(control, 8, plan.copyLength(step));
            PatchIo.writeBsdiffLong(control, 16, next - afterAdd);
            out.write(control);
            oldCursor = next;
        }
    }

    private interface StreamBody {
        void writeTo(OutputStream bzip2) throws IOException;
    }

    private static final class UncheckedIo extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedIo(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    private static byte[] compress(StreamBody body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(bytes, 9)) {
            body.writeTo(bz);
        } catch (IOException e) {
            throw new UncheckedIo(e);
        }
        return bytes.toByteArray();
    }
}
