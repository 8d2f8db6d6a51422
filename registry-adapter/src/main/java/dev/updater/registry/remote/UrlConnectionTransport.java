package dev.updater.registry.remote;

import dev.updater.registry.MinimumThroughput;
import dev.updater.registry.ReadTimeoutGuard;
import dev.updater.registry.RegistryProtocolException;
import dev.updater.schema.UntrustedText;
import java.io.EOFException;
import dev.updater.registry.io.OneReadPathStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * The requests that only read (GET and HEAD of manifests and blobs: {@code /v2/<name>/blobs/<digest>}, their Range
 * resumes and the storage URLs a registry redirects them to; and the token GETs of {@link TokenService}), on the
 * JDK's {@link HttpURLConnection} rather than java.net.http. Everything else of the transport is the registry's: {@link RegistryHttp#exchange} authenticates (the
 * tokens of {@link TokenService}, refreshed on a 401), retries on the one budget and follows redirects with the same
 * checks; TLS is the same {@link RegistryTls} context, and failures are read by the same {@link TransportFailures}.
 *
 * <p>Why another client: java.net.http reads the socket on its selector thread and hands each piece to the reading
 * thread through queues and futures, allocating a new buffer for each. Measured hashing the same 200 MB blob from
 * a loopback registry in a one-off program: 0.67 s CPU and 76 MB peak RSS through java.net.http, 0.31 s and 45 MB
 * through HttpURLConnection, whose body stream reads the socket on the caller's thread straight into the caller's
 * array; and a pull that reads nothing else never builds a java.net.http client (see {@link RegistryHttp#client}).
 * A body read to its end leaves the connection to the JDK's keep-alive cache, so the chunks of a payload come over
 * one connection.
 *
 * <p>A body has no timer of its own: its socket's read timeout is the stall rule (no data for that long), and the
 * caller checks the throughput rule on the reading thread ({@code ReadTimeoutGuard}). Closing such a stream from
 * another thread, as {@code StallGuard} does, would wait for the blocked read: the JDK's body stream locks.
 *
 * <p>HttpURLConnection is lenient where java.net.http is strict, so the strictness is added here: an answer that is
 * not HTTP, or whose header values hold control characters (a hostile server's terminal escapes), is the malformed
 * response it is, reported at once and not retried.
 */
final class UrlConnectionTransport {
    private final RegistryHttp http;
    private final Optional<SSLSocketFactory> sockets;
    private final boolean verifyHosts;
    private final int connectTimeoutMillis;

    UrlConnectionTransport(RegistryHttp http, RegistryTls tls, Duration connectTimeout) {
        this.http = http;
        // One factory for every connection: the JDK's keep-alive cache reuses an HTTPS connection only for the
        // same factory.
        this.sockets = tls.sslContext().map(SSLContext::getSocketFactory);
        this.verifyHosts = tls.verifies();
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    }

    /**
     * Sends {@code request} (a GET or HEAD) under the registry's auth, retry and redirect policy on {@code budget};
     * reads of the body (and the wait for the answer) time out after {@code readTimeoutMillis} without data.
     */
    Body get(RegistryHttp.Request request, RetryBudget budget, long readTimeoutMillis) {
        int timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, readTimeoutMillis));
        return http.exchange(request, budget, (uri, authorization) -> connect(request, uri, authorization,
                timeout));
    }

    /**
     * One GET to {@code uri} and nothing else: no retries, no redirects, no credentials but {@code authorization}.
     * For the token service, whose answers {@link TokenService} reads itself.
     */
    Body getOnce(URI uri, Optional<String> authorization, long readTimeoutMillis) throws IOException {
        int timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, readTimeoutMillis));
        return connect(RegistryHttp.Request.get(uri, "", java.util.Map.of()), uri, authorization, timeout);
    }

    private Body connect(RegistryHttp.Request request, URI uri, Optional<String> authorization, int readTimeout)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        if (c instanceof HttpsURLConnection https) {
            sockets.ifPresent(https::setSSLSocketFactory);
            // --insecure: the trust manager checks nothing, and neither may the host name check that the JDK adds
            // for a connection with its default verifier.
            if (!verifyHosts) https.setHostnameVerifier((host, session) -> true);
        }
        c.setInstanceFollowRedirects(false);
        // useCaches stays on: no ResponseCache is installed, so nothing is cached, and turning it off would add
        // "Cache-Control: no-cache" and "Pragma: no-cache", sending a CDN in front of blob storage to the origin.
        c.setConnectTimeout(connectTimeoutMillis);
        c.setReadTimeout(readTimeout);
        c.setRequestMethod(request.method());
        c.setRequestProperty("Accept", "*/*");
        request.headers().forEach(c::setRequestProperty);
        c.setRequestProperty("User-Agent", RegistryHttp.USER_AGENT);
        authorization.ifPresent(a -> c.setRequestProperty("Authorization", a));
        try {
            Body body = new Body(c, uri, c.getResponseCode());
            body.checkWellFormed();
            return body;
        } catch (IOException | RuntimeException e) {
            c.disconnect();
            throw e;
        }
    }

    /** The answer to a GET or HEAD; its body streams from the socket as it is read. */
    static final class Body implements Exchange {
        private final HttpURLConnection connection;
        private final URI uri;
        private final int status;
        private InputStream stream;

        private Body(HttpURLConnection connection, URI uri, int status) {
            this.connection = connection;
            this.uri = uri;
            this.status = status;
        }

        /** What java.net.http refuses by itself: no status line, or control characters in a header. */
        private void checkWellFormed() throws ProtocolException {
            if (status < 100 || status > 999) {
                throw new ProtocolException("the answer is not an HTTP response (no valid status line)");
            }
            for (int i = 0; ; i++) {
                String value = connection.getHeaderField(i);
                if (value == null) return;
                String key = connection.getHeaderFieldKey(i);
                if (hasControlCharacter(value) || (key != null && hasControlCharacter(key))) {
                    throw new ProtocolException("a header holds control characters: " + key + ": " + value);
                }
            }
        }

        private static boolean hasControlCharacter(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
            }
            return false;
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public URI uri() {
            return uri;
        }

        /** The first value, as java.net.http gives it (HttpURLConnection's getHeaderField gives the last). */
        @Override
        public Optional<String> header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
        }

        @Override
        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            // index 0 is the status line, whose key is null
            for (int i = 1; ; i++) {
                String value = connection.getHeaderField(i);
                if (value == null) return values;
                if (name.equalsIgnoreCase(connection.getHeaderFieldKey(i))) values.add(value);
            }
        }

        /**
         * The body: the blob for a 2xx, the registry's error document otherwise (possibly empty). A body that ends
         * before its Content-Length fails as a broken connection does (HttpURLConnection would report a plain end of
         * stream, which its reader would take for a short blob rather than for a network failure to resume).
         */
        InputStream stream() throws IOException {
            if (stream == null && "HEAD".equals(connection.getRequestMethod())) {
                stream = InputStream.nullInputStream();
            }
            if (stream == null) {
                InputStream error = status >= 400 ? connection.getErrorStream() : null;
                long length = connection.getContentLengthLong();
                stream = status >= 400 ? (error == null ? InputStream.nullInputStream() : error)
                        : length >= 0 ? new WholeBody(connection.getInputStream(), length)
                        : connection.getInputStream();
            }
            return stream;
        }

        /**
         * An answer other than {@code wanted}, reported as the store's other refusals are: the status, and the start
         * of the body (the registry's error document) quoted as escaped data. The rest of the body is not read.
         */
        RegistryProtocolException refusal(String store, String what, int wanted) {
            String body = "";
            try (InputStream in = new ReadTimeoutGuard(stream(), connection.getReadTimeout(),
                    MinimumThroughput.configured())) {
                body = new String(in.readNBytes(UntrustedText.LONG_TEXT + 1), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                // the status says enough
            }
            return new RegistryProtocolException(store + ": " + what + " answered HTTP " + status + " (expected "
                    + wanted + ") " + (body.isEmpty() ? "" : UntrustedText.quoteLong(body)));
        }

        /** Ends the exchange without reading the rest; an unfinished body's connection is not reused. */
        @Override
        public void discard() {
            try {
                stream().close();
            } catch (IOException ignored) {
                // closing a body we do not need
            }
        }
    }

    /** A body of a declared length: an end of stream before it is a broken connection. */
    private static final class WholeBody extends OneReadPathStream {
        private final long length;
        private long read;

        WholeBody(InputStream in, long length) {
            super(in);
            this.length = length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) read += n;
            if (n < 0 && read < length) {
                throw new EOFException("the connection closed after " + read + " of the " + length
                        + " bytes its Content-Length declared");
            }
            return n;
        }
    }
}
