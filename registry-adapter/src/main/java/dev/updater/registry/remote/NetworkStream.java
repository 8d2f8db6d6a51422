package dev.updater.registry.remote;

import dev.updater.registry.RegistryNetworkException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A response body whose read failures (reset, truncated, stalled, crawling) surface as
 * {@link RegistryNetworkException}: callers reading a small document whole would otherwise take an IOException
 * for a local problem (exit 1 or 7) when it is the registry's connection that failed (exit 5).
 */
final class NetworkStream extends FilterInputStream {
    private final String what;

    NetworkStream(InputStream in, String what) {
        super(in);
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    private RegistryNetworkException failed(IOException e) {
        return new RegistryNetworkException("reading " + what + " failed (" + TransportFailures.describe(e)
                + "); check the network and run the same command again", e);
    }
}
