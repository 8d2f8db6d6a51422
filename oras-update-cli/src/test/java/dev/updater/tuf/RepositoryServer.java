package dev.updater.tuf;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Serves a {@link TestRepository} over HTTP on 127.0.0.1 and records every request path, in order. */
final class RepositoryServer implements AutoCloseable {
    private final HttpServer server;
    final List<String> requests = new CopyOnWriteArrayList<>();

    RepositoryServer(Map<String, byte[]> files) throws IOException {
        this(path -> files.get(path));
    }

    /** Serves the files of a directory (request path = path under it; no listing, no escaping it). */
    static RepositoryServer ofDirectory(java.nio.file.Path root) throws IOException {
        return new RepositoryServer(path -> {
            java.nio.file.Path file = root.resolve(path.substring(1)).normalize();
            try {
                return file.startsWith(root) && java.nio.file.Files.isRegularFile(file)
                        ? java.nio.file.Files.readAllBytes(file) : null;
            } catch (IOException e) {
                return null;
            }
        });
    }

    private RepositoryServer(java.util.function.Function<String, byte[]> files) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            requests.add(path);
            byte[] body = files.apply(path);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
    }

    URI metadataUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metadata/");
    }

    URI targetsUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/targets/");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
