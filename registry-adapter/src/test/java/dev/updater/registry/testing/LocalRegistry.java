package dev.updater.registry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real CNCF distribution registry (Debian's {@code docker-registry}) on a free 127.0.0.1 port with its storage in a
 * fresh temp directory; stopped and deleted on close. {@code extraConfig} is YAML appended to the config (auth).
 */
public final class LocalRegistry implements AutoCloseable {
    /**
     * One plain registry for a whole test class: {@code @RegisterExtension static final LocalRegistry.PerClass
     * registry = LocalRegistry.perClass();} starts it before the class's {@code @BeforeAll} methods and stops it
     * after its {@code @AfterAll} ones.
     */
    public static PerClass perClass() {
        return new PerClass();
    }

    /** See {@link #perClass()}; the accessors are the registry's, valid while the class runs. */
    public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
        private LocalRegistry registry;

        private PerClass() {}

        @Override
        public void beforeAll(ExtensionContext context) {
            registry = start();
        }

        @Override
        public void afterAll(ExtensionContext context) {
            if (registry != null) {
                registry.close();
            }
        }

        public int port() {
            return registry.port();
        }

        public String hostPort() {
            return registry.hostPort();
        }

        public Path storageRoot() {
            return registry.storageRoot();
        }

        public Path blobFile(String digest) {
            return registry.blobFile(digest);
        }

        public Path workDir() {
            return registry.workDir();
        }
    }

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private final Process process;
    private final Path workDir;
    private final int port;

    private LocalRegistry(Process process, Path workDir, int port) {
        this.process = process;
        this.workDir = workDir;
        this.port = port;
    }

    public static LocalRegistry start() {
        return start("");
    }

    public static LocalRegistry start(String extraConfig) {
        return start("", extraConfig);
    }

    /**
     * A registry serving HTTPS with {@code certificate} (and {@code extraConfig}, such as auth, as for
     * {@link #start(String)}); it speaks no plain HTTP.
     */
    public static LocalRegistry startTls(TestCertificate certificate, String extraConfig) {
        return start(certificate.registryConfig(), extraConfig);
    }

    private static LocalRegistry start(String httpConfig, String extraConfig) {
        boolean tls = !httpConfig.isEmpty();
        try {
            Path dir = Files.createTempDirectory("oci-registry");
            Files.createDirectories(dir.resolve("data"));
            String config = "version: 0.1\n"
                    + "log:\n  level: info\n  accesslog:\n    disabled: true\n"
                    + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data") + "\n"
                    + "  delete:\n    enabled: true\n"
                    + "  maintenance:\n    uploadpurging:\n      enabled: false\n"
                    + "http:\n  addr: 127.0.0.1:0\n  secret: test-only-secret\n"
                    + httpConfig
                    + extraConfig;
            Files.writeString(dir.resolve("config.yml"), config);
            Path log = dir.resolve("registry.log");
            Process p = new ProcessBuilder(binary(), "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("registry exited early: " + Files.readString(log));
                }
                Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (m.find()) {
                    int port = Integer.parseInt(m.group(1));
                    if (answers(port, tls)) {
                        return new LocalRegistry(p, dir, port);
                    }
                }
                Thread.sleep(50);
            }
            p.destroyForcibly();
            throw new IllegalStateException("registry did not answer within 20 s: " + Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start docker-registry (apt-get install docker-registry)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String binary() {
        for (String candidate : new String[] {"/usr/bin/docker-registry", "/usr/local/bin/registry"}) {
            if (Files.isExecutable(Path.of(candidate))) return candidate;
        }
        return "docker-registry";
    }

    /**
     * Whether the API is up: 200 without auth, 401 with. A TLS registry is probed in plain HTTP too: Go's server
     * answers that with 400 ("Client sent an HTTP request to an HTTPS server"), which shows it listens and speaks TLS.
     */
    private static boolean answers(int port, boolean tls) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v2/").toURL()
                    .openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(1000);
            int code = c.getResponseCode();
            c.disconnect();
            return tls ? code == 400 : code == 200 || code == 401;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, the registry part of a reference. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** The registry's storage root: tests corrupt or delete blobs here to check that clients notice. */
    public Path storageRoot() {
        return workDir.resolve("data/docker/registry/v2");
    }

    /** The file holding a blob's bytes inside the registry's filesystem storage. */
    public Path blobFile(String digest) {
        String hex = digest.substring("sha256:".length());
        return storageRoot().resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    }

    public Path workDir() {
        return workDir;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }
}
