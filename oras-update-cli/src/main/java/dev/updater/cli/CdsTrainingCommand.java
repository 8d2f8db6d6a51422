package dev.updater.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * Run once at build time under {@code -XX:ArchiveClassesAtExit}: exercises the common commands on a throw-away OCI
 * layout so that the class-data sharing archive holds the classes a device's calls load, not only those of
 * {@code update version}. Hidden: not for users.
 */
@Command(name = "__train-cds", hidden = true)
final class CdsTrainingCommand implements Callable<Integer> {
    /** The TUF conformance suite starts 'update tuf-client' hundreds of times: its classes belong in the archive. */
    private static void trainTufClient(Path dir, PrintWriter sink) throws IOException {
        Path repo = dir.resolve("tuf-repo");
        Main.run(new String[] {"trust", "init", "--repo", repo.toString(), "--keys", dir.resolve("tuf-keys")
            .toString()}, sink, sink);
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Path file = repo.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(repo) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        try {
            String metadata = dir.resolve("tuf-client").toString();
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/metadata/";
            Main.run(new String[] {"tuf-client", "--metadata-dir", metadata, "init",
                repo.resolve("metadata/1.root.json").toString()}, sink, sink);
            Main.run(new String[] {"tuf-client", "--metadata-dir", metadata, "--metadata-url", url, "refresh"}, sink,
                    sink);
        } finally {
            server.stop(0);
        }
    }

    @Override
    public Integer call() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("update-cds");
            Path v1 = Files.writeString(dir.resolve("app"), "one\n".repeat(2000));
            String layout = "oci:" + dir.resolve("layout");
            PrintWriter sink = new PrintWriter(Writer.nullWriter());
            String state = dir.resolve("state").toString();
            Main.run(new String[] {"push", layout, "--version", "1.0.0", "--target", "t=" + v1, "--json"}, sink,
                    sink);
            Files.writeString(v1, "two\n".repeat(2000));
            Main.run(new String[] {"push", layout, "--version", "1.1.0", "--target", "t=" + v1, "--channel",
                "stable", "--json"}, sink, sink);
            Main.run(new String[] {"pull", layout + ":stable", "--target", "t", "--output",
                dir.resolve("out").toString(), "--state-dir", state, "--json"}, sink, sink);
            Main.run(new String[] {"inspect", layout + ":stable", "--json"}, sink, sink);
            Main.run(new String[] {"versions", layout}, sink, sink);
            Main.run(new String[] {"pull", "--help"}, sink, sink);
            Path older = Files.writeString(dir.resolve("older"), "one\n".repeat(2000));
            Main.run(new String[] {"diff", older.toString(), v1.toString(), dir.resolve("p").toString()}, sink, sink);
            Main.run(new String[] {"patch", older.toString(), dir.resolve("p").toString(),
                dir.resolve("patched").toString()}, sink, sink);
            trainTufClient(dir, sink);
            return ExitCode.OK;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // temp files
                }
            }
        }
    }
}
