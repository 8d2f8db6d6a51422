package dev.updater.registry.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An HTTP/1.1 server on 127.0.0.1 that speaks the distribution API badly on purpose: each test says, per request,
 * exactly which bytes go back (any status, any header, lying lengths, trickled bodies). One request per connection.
 * With {@link #startTls()} it speaks TLS with a self-signed certificate made on the spot, which no JVM trusts. Like
 * Go's net/http, the plain server answers a TLS ClientHello with a plain-HTTP 400.
 */
public final class HostileServer implements AutoCloseable {

    /** One request as the client sent it. */
    public record Exchange(String method, String path, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Writes the whole answer to one request, status line included. */
    @FunctionalInterface
    public interface Handler {
        void answer(Exchange request, OutputStream out) throws Exception;
    }

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-server");
        t.setDaemon(true);
        return t;
    });
    private final List<Exchange> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Handler handler = (request, out) -> reply(out, 404, Map.of(), "");

    private HostileServer(ServerSocket server) {
        this.server = server;
        pool.submit(this::acceptLoop);
    }

    public static HostileServer start() throws IOException {
        return new HostileServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /** A TLS server whose certificate (self-signed, for 127.0.0.1) the default trust store does not hold. */
    public static HostileServer startTls() throws IOException, GeneralSecurityException {
        return new HostileServer(selfSignedContext().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    public HostileServer on(Handler h) {
        this.handler = h;
        requests.clear();
        connections.set(0);
        return this;
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Connections accepted since the last {@link #on}, including ones that never became a request (TLS). */
    public int connections() {
        return connections.get();
    }

    public List<Exchange> requests() {
        return List.copyOf(requests);
    }

    /** A complete answer with a correct Content-Length. */
    public static void reply(OutputStream out, int status, Map<String, String> headers, String body)
            throws IOException {
        reply(out, status, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    public static void reply(OutputStream out, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putIfAbsent("Content-Length", String.valueOf(body.length));
        head(out, status, all);
        out.write(body);
        out.flush();
    }

    /** The status line and headers only (Connection: close added); the handler writes the body itself. */
    public static void head(OutputStream out, int status, Map<String, String> headers) throws IOException {
        StringBuilder h = new StringBuilder("HTTP/1.1 ").append(status).append(" Hostile\r\n");
        headers.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        h.append("Connection: close\r\n\r\n");
        out.write(h.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                pool.submit(() -> handle(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            List<String> lines = new ArrayList<>();
            int first = in.read();
            if (first == 0x16) {
                // A TLS ClientHello on a plain port: what Go's net/http (and so docker-registry) answers.
                out.write("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            int prev = -1;
            for (int b = first; b >= 0; prev = b, b = in.read()) {
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
            if (lines.isEmpty()) return;
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h : lines.subList(1, lines.size())) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            String[] start = lines.get(0).split(" ");
            Exchange exchange = new Exchange(start[0], start[1], headers);
            requests.add(exchange);
            String length = exchange.header("content-length");
            if (length != null) in.readNBytes(Integer.parseInt(length));
            handler.answer(exchange, out);
        } catch (Exception e) {
            // the client went away, or the handler's misbehaviour ended the connection: both are the point
        }
    }

    private static SSLContext selfSignedContext() throws GeneralSecurityException, IOException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair key = generator.generateKeyPair();
        X500Name name = new X500Name("CN=hostile test registry");
        Instant now = Instant.now();
        X509Certificate certificate;
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(1))), name, key.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
            certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "test".toCharArray();
        store.setKeyEntry("server", key.getPrivate(), password, new X509Certificate[] {certificate});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
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
