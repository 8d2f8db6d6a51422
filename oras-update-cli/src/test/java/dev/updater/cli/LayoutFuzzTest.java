package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.cli.LayoutMutations.Kind;
import dev.updater.schema.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * A signed, TUF-trusted release in an OCI layout, one of its documents mutated per try (the update manifest, the
 * release manifest, index.json, a TUF metadata file, the cosign signature manifest), with every digest and size
 * that references it fixed up so the parsers are reached, not just a digest check. Whatever the mutation, pull,
 * inspect, verify and versions end in 0, 3 or 4, never in 1 or an uncaught exception; a failed pull writes no
 * output; stderr carries no raw control character; and where signatures or TUF are required a successful pull
 * writes exactly the signed payload.
 *
 * <p>CI runs {@value #DEFAULT_COUNT} tries; run more with {@code mvn -B -o verify -pl oras-update-cli -am
 * -Dtest=LayoutFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Dlayout.fuzz.count=10000} (and
 * {@code -Dlayout.fuzz.seed=N} to replay a run).
 */
class LayoutFuzzTest {
    static final int DEFAULT_COUNT = 300;
    /** The release the tries pull: chunked, with a patch from 1.0.0, signed, in the signed TUF targets. */
    private static final String VERSION_TAG = "2.0.0";

    enum Document { UPDATE_MANIFEST, RELEASE_MANIFEST, INDEX, TUF_METADATA, SIGNATURE_MANIFEST }

    private static Path work;
    private static Path base;
    private static Path trustedState;
    private static String publicKey;
    private static byte[] payload;
    /** The 1.0.0 payload: the base file of a delta pull. */
    private static Path oldPayload;
    private static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();
    private static long started;

    /** The number of tries (and the seed, to replay a run) come from system properties. */
    public static final class TriesFromSystemProperty implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            context.attributes().setTries(Integer.getInteger("layout.fuzz.count", DEFAULT_COUNT));
            String seed = System.getProperty("layout.fuzz.seed");
            if (seed != null && !seed.isBlank()) context.attributes().setSeed(seed);
            return property.execute();
        }

        @Override
        public int aroundPropertyProximity() {
            return -100; // outside jqwik's own hooks: the attributes are read when the property starts
        }
    }

    @BeforeContainer
    static void publishOneSignedTrustedRelease() throws IOException {
        work = Files.createTempDirectory("layout-fuzz");
        base = work.resolve("base");
        String layout = "oci:" + base;
        Path password = Files.writeString(work.resolve("password"), "fuzz password\n");
        String signer = work.resolve("signer").toString();
        ok("keygen", "--output-prefix", signer, "--password-file", password.toString());
        publicKey = signer + ".pub";
        Path tufKeys = work.resolve("tuf-keys");
        Path tufRepo = work.resolve("tuf-repo");
        ok("trust", "init", "--registry", layout, "--repo", tufRepo.toString(), "--keys", tufKeys.toString());
        byte[] old = new byte[3_000];
        new Random(7).nextBytes(old);
        oldPayload = Files.write(work.resolve("app-1.0.0"), old);
        payload = old.clone();
        payload[1234] ^= 1;
        Path file = Files.write(work.resolve("app-2.0.0"), payload);
        String[] signed = {"--quiet", "--product", "fw", "--trust-keys", tufKeys.toString(), "--key",
            signer + ".key", "--password-file", password.toString()};
        ok(with(new String[] {"push", layout, "--version", "1.0.0", "--target", "t=" + oldPayload}, signed));
        ok(with(new String[] {"push", layout, "--version", VERSION_TAG, "--target", "t=" + file, "--channel",
            "stable", "--chunk-size", "1K"}, signed));
        trustedState = work.resolve("trusted-state");
        ok("trust", "bootstrap", tufRepo.resolve("metadata/1.root.json").toString(), "--state-dir",
                trustedState.toString());
        String update = new String(new LayoutFixture(base).read(new LayoutFixture(base).configDigest(VERSION_TAG)),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(update.contains("\"chunks\"") && update.contains("\"patches\""), update);
        // the unmutated layout passes every check the tries run
        for (Document d : Document.values()) {
            Path tryDir = Files.createTempDirectory(work, "sanity");
            for (CliRunner.Result r : run(d, copyOf(base, tryDir), tryDir)) {
                assertEquals(ExitCode.OK, r.exitCode(), () -> d + ": " + r);
            }
            assertArrayEquals(payload, Files.readAllBytes(tryDir.resolve("out")));
        }
        started = System.nanoTime();
    }

    @AfterContainer
    static void reportAndCleanUp() throws IOException {
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Integer> pulls = byExit("pull exit ");
        System.out.printf("layout fuzz: %d tries in %.1f s; pull exit codes %s; every command's %s%n",
                pulls.values().stream().mapToInt(Integer::intValue).sum(), seconds, pulls, byExit("command exit "));
        new TreeMap<>(COUNTS).forEach((k, v) -> System.out.println("  " + k + ": " + v));
        deleteTree(work);
    }

    /** Exit code to count, over the counters named {@code prefix + code [+ document]}. */
    private static Map<String, Integer> byExit(String prefix) {
        Map<String, Integer> byExit = new TreeMap<>();
        COUNTS.forEach((k, v) -> {
            if (k.startsWith(prefix)) byExit.merge(k.substring(prefix.length()).split(" ")[0], v.get(), Integer::sum);
        });
        return byExit;
    }

    @Property
    @AddLifecycleHook(TriesFromSystemProperty.class)
    void aMutatedDocumentEndsInZeroThreeOrFourAndWritesNothingOnFailure(@ForAll Document document,
            @ForAll Kind kind, @ForAll long seed) throws IOException {
        Path tryDir = Files.createTempDirectory(work, "try");
        try {
            LayoutFixture layout = copyOf(base, tryDir);
            String what = document + " " + kind + " seed " + seed;
            mutate(layout, document, kind, new Random(seed));
            List<CliRunner.Result> results = run(document, layout, tryDir);
            for (int i = 0; i < results.size(); i++) {
                CliRunner.Result r = results.get(i);
                int exit = r.exitCode();
                assertTrue(exit == ExitCode.OK || exit == ExitCode.NOT_FOUND || exit == ExitCode.VERIFICATION,
                        () -> what + ": " + r);
                assertFalse(hasControlCharacters(r.err()), () -> what + ": raw control character in stderr: " + r);
                assertFalse(hasControlCharacters(r.out()), () -> what + ": raw control character in stdout: " + r);
                COUNTS.computeIfAbsent("command exit " + exit, k -> new AtomicInteger()).incrementAndGet();
                if (i == 0) {
                    COUNTS.computeIfAbsent("pull exit " + exit + " " + document, k -> new AtomicInteger())
                            .incrementAndGet();
                    Path out = tryDir.resolve("out");
                    if (exit != ExitCode.OK) {
                        assertFalse(Files.exists(out), () -> what + ": output written by a failed pull: " + r);
                    } else if (document == Document.SIGNATURE_MANIFEST || document == Document.TUF_METADATA) {
                        // trust was required: what was written is the payload that was signed, nothing else
                        assertArrayEquals(payload, Files.readAllBytes(out), what);
                    }
                }
            }
        } finally {
            deleteTree(tryDir);
        }
    }

    /** What a terminal would act on rather than show: C0/C1 controls (but newline), line and bidi controls. */
    static boolean hasControlCharacters(String text) {
        return text.chars().anyMatch(c -> (c < 0x20 && c != '\n') || (c >= 0x7f && c < 0xa0) || c == 0x2028
                || c == 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069));
    }

    /** Mutates one document of the layout and re-points every reference to it (digest, size) at the result. */
    private static void mutate(LayoutFixture layout, Document document, Kind kind, Random random) throws IOException {
        List<Digest> known = blobDigests(layout);
        switch (document) {
            case INDEX -> {
                Path index = layout.root.resolve("index.json");
                Files.write(index, LayoutMutations.mutate(Files.readAllBytes(index), kind, random, known));
            }
            case UPDATE_MANIFEST -> replace(layout, layout.configDigest(VERSION_TAG), kind, random, known);
            case RELEASE_MANIFEST -> replace(layout, layout.manifestDigest(VERSION_TAG), kind, random, known);
            case TUF_METADATA -> {
                List<String> tags = tags(layout).stream().filter(t -> t.startsWith("tuf-")).toList();
                String tag = tags.get(random.nextInt(tags.size()));
                Digest metadata = Digest.parse(layout.manifest(tag).get("layers").get(0).get("digest").asText());
                replace(layout, random.nextInt(4) == 0 ? layout.manifestDigest(tag) : metadata, kind, random, known);
            }
            case SIGNATURE_MANIFEST -> {
                String tag = "sha256-" + layout.manifestDigest(VERSION_TAG).hex() + ".sig";
                JsonNode manifest = layout.manifest(tag);
                Digest target = switch (random.nextInt(3)) {
                    case 0 -> layout.manifestDigest(tag);
                    case 1 -> Digest.parse(manifest.get("config").get("digest").asText());
                    default -> Digest.parse(manifest.get("layers").get(0).get("digest").asText());
                };
                replace(layout, target, kind, random, known);
            }
        }
    }

    private static void replace(LayoutFixture layout, Digest blob, Kind kind, Random random, List<Digest> known)
            throws IOException {
        layout.replaceBlob(blob, LayoutMutations.mutate(layout.read(blob), kind, random, known));
    }

    /**
     * The commands a try runs, the pull first. Without trust for the release's own documents (a signature or TUF
     * check would refuse a changed release before its parser is reached); with the key for the signature manifest,
     * and with the pinned TUF root for TUF metadata.
     */
    private static List<CliRunner.Result> run(Document document, LayoutFixture layout, Path tryDir)
            throws IOException {
        String ref = "oci:" + layout.root;
        String out = tryDir.resolve("out").toString();
        List<CliRunner.Result> results = new ArrayList<>();
        switch (document) {
            case SIGNATURE_MANIFEST -> {
                results.add(CliRunner.run("pull", ref + ":" + VERSION_TAG, "--target", "t", "--output", out,
                        "--state-dir", tryDir.resolve("state").toString(), "--key", publicKey, "--quiet"));
                results.add(CliRunner.run("verify", ref + ":" + VERSION_TAG, "--key", publicKey));
            }
            case TUF_METADATA -> {
                Path state = tryDir.resolve("state");
                copyTree(trustedState, state);
                results.add(CliRunner.run("pull", ref + ":stable", "--target", "t", "--output", out, "--state-dir",
                        state.toString(), "--product", "fw", "--tuf", "--quiet"));
            }
            default -> {
                results.add(CliRunner.run("pull", ref + ":" + VERSION_TAG, "--target", "t", "--output", out,
                        "--state-dir", tryDir.resolve("state").toString(), "--base", oldPayload.toString()));
                results.add(CliRunner.run("inspect", ref + ":" + VERSION_TAG));
                if (document == Document.INDEX) results.add(CliRunner.run("versions", ref));
            }
        }
        return results;
    }

    private static List<String> tags(LayoutFixture layout) throws IOException {
        List<String> tags = new ArrayList<>();
        layout.index().get("manifests").forEach(m -> {
            JsonNode tag = m.path("annotations").path("org.opencontainers.image.ref.name");
            if (tag.isTextual()) tags.add(tag.asText());
        });
        return tags;
    }

    private static List<Digest> blobDigests(LayoutFixture layout) throws IOException {
        try (Stream<Path> files = Files.list(layout.root.resolve("blobs/sha256"))) {
            return files.map(p -> Digest.parse("sha256:" + p.getFileName())).sorted().toList();
        }
    }

    private static LayoutFixture copyOf(Path layout, Path tryDir) throws IOException {
        Path copy = tryDir.resolve("layout");
        copyTree(layout, copy);
        return new LayoutFixture(copy);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static String[] with(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static void ok(String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(ExitCode.OK, r.exitCode(), r::toString);
    }
}
