package dev.updater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.updater.schema.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The read side of the distribution API over one OCI layout, on a loopback port: what a device's pull asks for
 * (manifests by tag or digest, blobs, the tag list), so that the device's class-data archive is trained by a pull
 * through the registry transport, the path devices take, without a registry at build time. For the training run
 * alone: no auth, no ranges, no uploads, our own layout's files.
 */
final class TrainingRegistry implements AutoCloseable {
    private static final Pattern ROUTE = Pattern.compile("/v2/([a-z0-9/._-]+)/(manifests|blobs|tags)/([A-Za-z0-9:._-]+)");
    private final Path layout;
    private final HttpServer server;

    private TrainingRegistry(Path layout) throws IOException {
        this.layout = layout;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    /** Serves {@code layout} (an OCI layout directory) until closed. */
    static TrainingRegistry serve(Path layout) throws IOException {
        return new TrainingRegistry(layout);
    }

    /** The {@code host:port} to put before a repository name. */
    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/v2/")) {
                send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            Matcher route = ROUTE.matcher(path);
            if (!route.matches()) {
                send(exchange, 404, "application/json", notFound(), null);
                return;
            }
            JsonNode index = Json.parse(Files.readAllBytes(layout.resolve("index.json")), "layout index");
            switch (route.group(2)) {
                case "tags" -> send(exchange, 200, "application/json", tagList(route.group(1), index), null);
                case "blobs" -> sendBlob(exchange, route.group(3), "application/octet-stream");
                default -> sendManifest(exchange, route.group(3), index);
            }
        }
    }

    private void sendManifest(HttpExchange exchange, String reference, JsonNode index) throws IOException {
        for (JsonNode entry : index.path("manifests")) {
            String tag = entry.path("annotations").path("org.opencontainers.image.ref.name").asText("");
            String digest = entry.path("digest").asText("");
            if (reference.equals(tag) || reference.equals(digest)) {
                sendBlob(exchange, digest, entry.path("mediaType").asText("application/vnd.oci.image.manifest.v1+json"));
                return;
            }
        }
        send(exchange, 404, "application/json", notFound(), null);
    }

    private void sendBlob(HttpExchange exchange, String digest, String mediaType) throws IOException {
        Path blob = digest.startsWith("sha256:") ? layout.resolve("blobs/sha256").resolve(digest.substring(7)) : null;
        if (blob == null || !blob.normalize().startsWith(layout.resolve("blobs")) || !Files.isRegularFile(blob)) {
            send(exchange, 404, "application/json", notFound(), null);
            return;
        }
        send(exchange, 200, mediaType, Files.readAllBytes(blob), digest);
    }

    private static byte[] tagList(String name, JsonNode index) {
        List<String> tags = new ArrayList<>();
        for (JsonNode entry : index.path("manifests")) {
            String tag = entry.path("annotations").path("org.opencontainers.image.ref.name").asText("");
            if (!tag.isEmpty()) {
                tags.add(tag);
            }
        }
        var body = Json.object();
        body.put("name", name);
        tags.forEach(body.putArray("tags")::add);
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] notFound() {
        return "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"not found\"}]}".getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body, String digest)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
        if (digest != null) {
            exchange.getResponseHeaders().set("Docker-Content-Digest", digest);
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(body.length));
        }
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
