package dev.updater.registry.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 proxy on 127.0.0.1 in front of a real registry that injects faults into responses: connection
 * resets after K body bytes, 5xx storms, 429 with Retry-After, Range ignored, stalls, truncated and over-long bodies.
 * It counts the body bytes it sends for blob GETs so tests can assert how much was fetched again. One request per
 * connection ({@code Connection: close}) keeps it simple and deterministic.
 */
public final class FaultProxy implements AutoCloseable {

    /** What to do to one response; {@link #pass()} forwards it untouched. */
    public interface Fault {
        /** Decides for a request (method, path, request number among blob GETs); returns the action. */
        Action decide(String method, String path, int blobGetNumber);
    }

    public sealed interface Action
            permits Pass, Status, ResetAfter, StripRange, StallAfter, TruncateAfter, AppendBytes, DropResponse,
            Trickle {}

    /** Forward the request (the registry acts on it), then reset the client's connection without any answer. */
    public record DropResponse() implements Action {}

    public record Pass() implements Action {}

    /** Answer with this status (and optional Retry-After seconds) instead of forwarding. */
    public record Status(int code, int retryAfterSeconds) implements Action {}

    /** Forward, but reset the connection (RST) after this many body bytes. */
    public record ResetAfter(long bodyBytes) implements Action {}

    /** Remove Range/If-Range from the request: the registry answers 200 with the whole blob. */
    public record StripRange() implements Action {}

    /** Forward, but stop sending (keep the socket open) after this many body bytes, for this long. */
    public record StallAfter(long bodyBytes, long millis) implements Action {}

    /** Forward the headers, then close cleanly after this many body bytes (shorter than Content-Length). */
    public record TruncateAfter(long bodyBytes) implements Action {}

    /** Forward with extra bytes after the body and a Content-Length that includes them. */
    public record AppendBytes(int extra) implements Action {}

    /** Forward, but from the start send only {@code bytes} body bytes every {@code everyMillis} (a crawling link). */
    public record Trickle(int bytes, long everyMillis) implements Action {}

    public static Action pass() {
        return new Pass();
    }

    private final ServerSocket server;
    private final int upstreamPort;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private volatile Fault fault = (m, p, n) -> pass();
    private final AtomicInteger blobGets = new AtomicInteger();
    private final AtomicLong blobBodyBytes = new AtomicLong();
    private final AtomicLong uploadBodyBytes = new AtomicLong();
    private final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());

    public FaultProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.submit(this::acceptLoop);
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public void setFault(Fault f) {
        this.fault = f;
        blobGets.set(0);
        blobBodyBytes.set(0);
        uploadBodyBytes.set(0);
        requests.clear();
    }

    /** Body bytes sent to clients for blob GETs since the last {@link #setFault}. */
    public long blobBodyBytes() {
        return blobBodyBytes.get();
    }

    /** Request body bytes forwarded for PATCH/PUT uploads since the last {@link #setFault}. */
    public long uploadBodyBytes() {
        return uploadBodyBytes.get();
    }

    public int blobGets() {
        return blobGets.get();
    }

    /** "METHOD path [Range]" of each request since the last {@link #setFault}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                pool.submit(() -> handle(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private record Head(String startLine, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static Head readHead(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        int prev = -1;
        for (int b; (b = in.read()) >= 0; prev = b) {
            if (b == '\n' && prev == '\r') {
                byte[] bytes = line.toByteArray();
                String text = new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
                if (text.isEmpty()) break;
                lines.add(text);
                line.reset();
            } else {
                line.write(b);
            }
        }
        if (lines.isEmpty()) throw new IOException("no request");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h : lines.subList(1, lines.size())) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        return new Head(lines.get(0), headers);
    }

    private void handle(Socket client) {
        try (client; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            InputStream cin = client.getInputStream();
            OutputStream cout = client.getOutputStream();
            Head request = readHead(cin);
            String[] parts = request.startLine().split(" ");
            String method = parts[0];
            String path = parts[1];
            boolean blobGet = method.equals("GET") && path.contains("/blobs/sha256:");
            int number = blobGet ? blobGets.incrementAndGet() : 0;
            String range = request.header("range");
            requests.add(method + " " + path + (range == null ? "" : " " + range));
            Action action = fault.decide(method, path, number);
            if (action instanceof Status s) {
                String extra = s.retryAfterSeconds() > 0 ? "Retry-After: " + s.retryAfterSeconds() + "\r\n" : "";
                cout.write(("HTTP/1.1 " + s.code() + " Injected\r\n" + extra
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                cout.flush();
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>(request.headers());
            headers.put("connection", "close");
            if (action instanceof StripRange) {
                headers.remove("range");
                headers.remove("if-range");
            }
            OutputStream uout = upstream.getOutputStream();
            StringBuilder head = new StringBuilder(request.startLine()).append("\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            uout.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            long requestBody = request.header("content-length") == null ? 0
                    : Long.parseLong(request.header("content-length"));
            copy(cin, uout, requestBody);
            uout.flush();
            if (method.equals("PATCH") || method.equals("PUT")) uploadBodyBytes.addAndGet(requestBody);

            InputStream uin = upstream.getInputStream();
            Head response = readHead(uin);
            if (action instanceof DropResponse) {
                client.setSoLinger(true, 0);
                return;
            }
            boolean isHead = method.equals("HEAD");
            long length = response.header("content-length") == null ? -1
                    : Long.parseLong(response.header("content-length"));
            Map<String, String> responseHeaders = new LinkedHashMap<>(response.headers());
            responseHeaders.put("connection", "close");
            if (action instanceof AppendBytes a && !isHead && length >= 0) {
                responseHeaders.put("content-length", String.valueOf(length + a.extra()));
            }
            StringBuilder rhead = new StringBuilder(response.startLine()).append("\r\n");
            responseHeaders.forEach((k, v) -> rhead.append(k).append(": ").append(v).append("\r\n"));
            rhead.append("\r\n");
            cout.write(rhead.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (isHead) {
                cout.flush();
                return;
            }
            if (action instanceof Trickle t) {
                trickle(uin, cout, length < 0 ? Long.MAX_VALUE : length, t, blobGet);
                return;
            }
            long limit = action instanceof ResetAfter r ? r.bodyBytes()
                    : action instanceof StallAfter st ? st.bodyBytes()
                    : action instanceof TruncateAfter t ? t.bodyBytes() : Long.MAX_VALUE;
            long sent = copyCounting(uin, cout, length < 0 ? Long.MAX_VALUE : length, limit, blobGet);
            cout.flush();
            if (action instanceof ResetAfter && sent >= limit) {
                client.setSoLinger(true, 0);
                return;
            }
            if (action instanceof StallAfter st && sent >= limit) {
                Thread.sleep(st.millis());
                return;
            }
            if (action instanceof AppendBytes a) {
                byte[] junk = new byte[a.extra()];
                java.util.Arrays.fill(junk, (byte) 'X');
                cout.write(junk);
                if (blobGet) blobBodyBytes.addAndGet(junk.length);
                cout.flush();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // a client that went away, or an injected fault: nothing to report
        }
    }

    private void trickle(InputStream in, OutputStream out, long length, Trickle t, boolean count)
            throws IOException, InterruptedException {
        byte[] buf = new byte[t.bytes()];
        for (long sent = 0; sent < length; ) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, length - sent));
            if (r < 0) break;
            out.write(buf, 0, r);
            out.flush();
            sent += r;
            if (count) blobBodyBytes.addAndGet(r);
            Thread.sleep(t.everyMillis());
        }
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) break;
            out.write(buf, 0, r);
            n -= r;
        }
    }

    private long copyCounting(InputStream in, OutputStream out, long length, long limit, boolean count)
            throws IOException {
        byte[] buf = new byte[8192];
        long sent = 0;
        while (sent < length && sent < limit) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, Math.min(length - sent, limit - sent)));
            if (r < 0) break;
            out.write(buf, 0, r);
            sent += r;
            if (count) blobBodyBytes.addAndGet(r);
        }
        return sent;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        pool.shutdownNow();
    }
}
