package dev.updater.delta;

import java.io.IOException;
import java.io.InputStream;

/**
 * The patch as the appliers read it: whatever a decompressor or the underlying stream throws while reading patch
 * bytes (a corrupt frame, a bad bzip2 block, an exception a decoder did not anticipate) becomes one
 * {@link PatchException}. Failures writing the output are not patch problems and stay {@link IOException}s.
 */
final class PatchInput extends InputStream {
    private final InputStream in;
    private final String what;

    PatchInput(InputStream in, String what) {
        this.in = in;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        try {
            return in.read();
        } catch (PatchException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw corrupt(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (PatchException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw corrupt(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } catch (RuntimeException e) {
            throw corrupt(e);
        }
    }

    private PatchException corrupt(Exception e) {
        return new PatchException("patch is corrupt: cannot read its " + what + " (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    }
}
