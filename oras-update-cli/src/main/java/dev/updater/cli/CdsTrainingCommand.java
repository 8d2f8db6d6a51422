package dev.updater.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Run once at build time under {@code -XX:ArchiveClassesAtExit}: exercises the common commands on a throw-away OCI
 * layout so that the class-data sharing archive holds the classes a device's calls load, not only those of
 * {@code update version}. Hidden: not for users.
 *
 * <p>The device's own archive (see bin/update) is trained in two runs: {@code --device-release DIR} publishes a small
 * release to a layout in DIR; then {@code --device DIR}, the recorded run, serves it on a loopback registry and runs
 * what a device does (pull to a file and into an install root, check, status) through the registry transport, so
 * that the archive holds only those classes: the publisher's are loaded by the first run, which is not recorded,
 * and the registry's (an HTTP server, its channels and threads, the locale data of its Date headers) by a child
 * process ({@code --serve}), which is not recorded either.
 * A smaller archive is a smaller device: the JVM relocates a mapped archive at start-up, touching every page of
 * it, so the general archive on top of the JDK's costs a 200 MB pull 76 MB of peak RSS, and an archive of a pull's
 * classes alone 65 MB (medians of 3, interleaved).
 *
 * <p>{@code patch} has a static archive of its own, recorded by {@code --apply DIR} (the apply of the zstd patch
 * that {@code --device-release} made), so that the device's archive does not grow by the applier's classes (0.6 MB
 * of resident memory in every device call).
 */
@Command(name = "__train-cds", hidden = true)
final class CdsTrainingCommand implements Callable<Integer> {
    @Option(names = "--device-release", paramLabel = "DIR", description = "Publish the device training's release.")
    Path deviceRelease;

    @Option(names = "--device", paramLabel = "DIR", description = "Train the device archive on DIR's release.")
    Path device;

    @Option(names = "--apply", paramLabel = "DIR", description = "Train the apply archive on DIR's patch.")
    Path apply;

    @Option(names = "--serve", paramLabel = "LAYOUT", description = "Serve LAYOUT to the device training.")
    Path serve;

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

    /**
     * The device training's release: one target, pushed to a layout in {@code dir}; and a zstd patch from an older
     * payload to it, for the apply archive's recorded run (made here, so that the differ's classes stay out of it).
     */
    private static int publishDeviceRelease(Path dir, PrintWriter sink) throws IOException {
        Path payload = Files.writeString(dir.resolve("app"), "one\n".repeat(4000));
        Path older = Files.writeString(dir.resolve("older"), "one\n".repeat(3000) + "two\n".repeat(1000));
        String patch = dir.resolve("patch").toString();
        // Where zstd-jni's native library does not load, an xz patch: the device archive never depends on it.
        if (Main.run(new String[] {"diff", "--compression", "zstd", older.toString(), payload.toString(), patch},
                sink, sink) != ExitCode.OK) {
            Main.run(new String[] {"diff", "--compression", "xz", older.toString(), payload.toString(), patch}, sink,
                    sink);
        }
        return Main.run(new String[] {"push", "oci:" + dir.resolve("layout"), "--version", "1.0.0", "--target",
            "t=" + payload, "--channel", "stable", "--chunk-size", "0"}, sink, sink);
    }

    /**
     * A device's calls on the release in {@code dir}, through a loopback registry; not 0 when one failed, so that
     * a build notices an archive trained on an error path.
     */
    private static int trainDevice(Path dir, PrintWriter sink) throws IOException {
        // The registry runs in a process of its own: in this one, its classes went into the device archive, whose
        // every page is resident in every call. 2662 classes in the archive before, 2561 now (the process's own
        // among them), 25.6 MB to 25.1 MB; peak RSS of a 200 MB pull from a loopback registry, whole / 8 MiB chunks
        // / into an install root whole / chunked, medians of 5 interleaved: 62.1 / 62.9 / 63.0 / 63.3 MB before,
        // 62.1 / 62.1 / 62.3 / 63.1 MB after.
        Process registry = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "__train-cds", "--serve", dir.resolve("layout").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String host = new BufferedReader(new InputStreamReader(registry.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            if (host == null) {
                throw new IOException("the training registry did not start");
            }
            String release = host + "/train/app:stable";
            String root = dir.resolve("root").toString();
            String[][] calls = {
                {"pull", release, "--plain-http", "--target", "t", "--output", dir.resolve("out").toString(),
                    "--state-dir", dir.resolve("state").toString()},
                {"pull", release, "--plain-http", "--target", "t", "--install-root", root},
                {"check", release, "--plain-http", "--target", "t", "--install-root", root},
                {"status", "--install-root", root},
            };
            for (String[] call : calls) {
                int status = Main.run(call, sink, sink);
                if (status != ExitCode.OK) {
                    return status;
                }
            }
            return ExitCode.OK;
        } finally {
            registry.getOutputStream().close(); // the registry serves until its input ends
            registry.destroy();
        }
    }

    /** The device training's registry (a child process of {@code --device}): serves until its input ends. */
    private static int serveLayout(Path layout) throws IOException {
        try (TrainingRegistry registry = TrainingRegistry.serve(layout)) {
            System.out.println(registry.host());
            System.out.flush();
            while (System.in.read() >= 0) {
                // nothing is sent; the end of the input is the signal to stop
            }
        }
        return ExitCode.OK;
    }

    @Override
    public Integer call() {
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        try {
            if (deviceRelease != null) {
                return publishDeviceRelease(Files.createDirectories(deviceRelease), quiet);
            }
            if (device != null) {
                return trainDevice(device, quiet);
            }
            if (apply != null) {
                return Main.run(new String[] {"patch", apply.resolve("older").toString(),
                    apply.resolve("patch").toString(), apply.resolve("patched").toString()}, quiet, quiet);
            }
            if (serve != null) {
                return serveLayout(serve);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
