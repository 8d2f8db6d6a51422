package dev.updater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.BlobSource;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.testing.LocalRegistry;
import dev.updater.rollout.DeviceId;
import dev.updater.signing.PolicyArtifactPublisher;
import dev.updater.rollout.RolloutEligibility;
import dev.updater.rollout.RolloutPolicy;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.tuf.OciMetadataLayout;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staged rollouts on a real distribution registry, through the CLI: a simulated fleet of device ids asks
 * 'update check' what it would do, while the release engineer rolls out, raises, halts, and a registry operator
 * without the keys tries to widen the rollout.
 */
class RolloutRegistryTest {
    private static final int FLEET = 200;
    /** Devices asked again after each attack (a sample keeps the test quick; both statuses are in it). */
    private static final int SAMPLE = 50;
    @RegisterExtension
    static final LocalRegistry.PerClass registry = LocalRegistry.perClass();

    @TempDir
    Path dir;

    static CliRunner.Result ok(String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(ExitCode.OK, r.exitCode(), r::toString);
        return r;
    }

    static String[] with(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    static JsonNode json(CliRunner.Result r) {
        String[] lines = r.out().strip().split("\n");
        return Json.parse(lines[lines.length - 1].getBytes(StandardCharsets.UTF_8), "output");
    }

    Path payload(String version, long seed) throws Exception {
        byte[] bytes = new byte[3_000];
        new Random(seed).nextBytes(bytes);
        Path file = dir.resolve("build-" + version).resolve("app");
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return file;
    }

    /** Pushes a version to 'stable' and returns its release digest. */
    Digest push(String repo, String version, long seed, String... extra) throws Exception {
        JsonNode out = json(ok(with(new String[] {"push", repo, "--version", version, "--target", "t="
                + payload(version, seed), "--channel", "stable", "--delta-from", "0", "--json", "--plain-http"},
                extra)));
        return Digest.parse(out.path("digest").asText());
    }

    static List<DeviceId> fleet() {
        return fleet(FLEET);
    }

    static List<DeviceId> fleet(int size) {
        List<DeviceId> ids = new ArrayList<>();
        for (int i = 0; i < size; i++) ids.add(new DeviceId(String.format(Locale.ROOT, "fleet-%03d", i)));
        return ids;
    }

    /** 'update check --json' for one device id; the state directory holds the pinned root (shared by the fleet). */
    static JsonNode check(String ref, Path state, DeviceId id, String... extra) {
        return json(ok(with(new String[] {"check", ref, "--target", "t", "--state-dir", state.toString(),
            "--device-id", id.value(), "--json", "--plain-http"}, extra)));
    }

    static List<String> statuses(String ref, Path state, String... extra) {
        return statuses(FLEET, ref, state, extra);
    }

    static List<String> statuses(int size, String ref, Path state, String... extra) {
        return fleet(size).stream().map(id -> check(ref, state, id, extra).path("status").asText()).toList();
    }

    static List<String> expected(int size, Digest salt, double percent) {
        RolloutPolicy policy = new RolloutPolicy(percent, salt.toString(), Optional.empty());
        return fleet(size).stream().map(id -> RolloutEligibility.admits(policy, id) ? "available" : "not-eligible")
                .toList();
    }

    static long count(List<String> statuses, String status) {
        return statuses.stream().filter(status::equals).count();
    }

    @Test
    void staged_rollout_with_tuf_reaches_exactly_the_cohort_and_the_registry_cannot_widen_it() throws Exception {
        String repo = registry.hostPort() + "/rollout/app";
        Path keys = dir.resolve("keys");
        Path work = dir.resolve("work");
        ok("trust", "init", "--registry", repo, "--repo", work.toString(), "--keys", keys.toString(),
                "--plain-http");
        Path root = dir.resolve("1.root.json");
        Files.copy(work.resolve("metadata/1.root.json"), root);
        String[] signed = {"--trust-keys", keys.toString()};
        push(repo, "1.0.0", 1, signed);
        Path fleetState = dir.resolve("fleet");
        ok("trust", "bootstrap", root.toString(), "--state-dir", fleetState.toString());
        String stable = repo + ":stable";
        assertEquals(List.of("available", "available", "available"), fleet().subList(0, 3).stream()
                .map(id -> check(stable, fleetState, id).path("status").asText()).toList(), "no policy: every device");

        Digest v110 = push(repo, "1.1.0", 2, signed);
        JsonNode rolled = json(ok("rollout", repo, "--channel", "stable", "--percent", "25", "--trust-keys",
                keys.toString(), "--json", "--plain-http"));
        assertEquals(v110.toString(), rolled.path("releaseDigest").asText());
        assertEquals(v110.toString(), rolled.path("rollout").path("salt").asText());
        List<String> at25 = statuses(stable, fleetState);
        assertEquals(expected(FLEET, v110, 25), at25);
        long in = count(at25, "available");
        System.out.println("rollout at 25 % over " + FLEET + " device ids: " + in + " available, "
                + count(at25, "not-eligible") + " not-eligible");
        assertTrue(in >= 25 && in <= 75, () -> in + " of " + FLEET + " at 25 %"); // 50 +- 4 sigma

        // one device in the cohort and one outside it, each with its own install root on 1.0.0
        DeviceId inside = fleet().get(at25.indexOf("available"));
        DeviceId outside = fleet().get(at25.indexOf("not-eligible"));
        Path a = installRootOn100(repo, root, inside);
        Path b = installRootOn100(repo, root, outside);
        ok("pull", stable, "--target", "t", "--install-root", a.toString(), "--device-id", inside.value(),
                "--plain-http");
        assertEquals(Path.of("versions/1.1.0"), Files.readSymbolicLink(a.resolve("current")));
        JsonNode held = json(ok("pull", stable, "--target", "t", "--install-root", b.toString(), "--device-id",
                outside.value(), "--json", "--plain-http"));
        assertEquals("not-eligible", held.path("status").asText(), held::toString);
        assertEquals(Path.of("versions/1.0.0"), Files.readSymbolicLink(b.resolve("current")));

        // the registry operator, without the keys: an unsigned policy artifact saying 100 % is not even read ...
        try (ReleaseStore store = open(repo)) {
            new PolicyArtifactPublisher(store).publish(v110, "stable", new RolloutPolicy(100, "x", Optional.empty()),
                    Optional.empty(), repo);
        }
        List<String> sample = at25.subList(0, SAMPLE);
        assertEquals(sample, statuses(SAMPLE, stable, fleetState));
        // ... and a targets file edited to say 100 % is refused: devices that have the signed one keep it, a new
        // device trusts nothing
        String tamperedTag = latestTag(repo, "targets");
        byte[] original = manifestBytes(repo, tamperedTag);
        replaceMetadata(repo, tamperedTag, original, "\"basisPoints\"\\s*:\\s*2500", "\"basisPoints\": 10000");
        assertEquals(sample, statuses(SAMPLE, stable, fleetState));
        Path fresh = dir.resolve("fresh");
        ok("trust", "bootstrap", root.toString(), "--state-dir", fresh.toString());
        CliRunner.Result refused = CliRunner.run("check", stable, "--target", "t", "--state-dir", fresh.toString(),
                "--device-id", outside.value(), "--json", "--plain-http");
        assertEquals(ExitCode.VERIFICATION, refused.exitCode(), refused::toString);
        try (ReleaseStore store = open(repo)) {
            store.pushManifest(original, MediaTypes.OCI_MANIFEST, tamperedTag);
        }

        // raising to 100 % reaches everyone, and every device that was in stays in
        ok("rollout", repo, "--channel", "stable", "--percent", "100", "--trust-keys", keys.toString(),
                "--plain-http");
        assertEquals(FLEET, count(statuses(stable, fleetState), "available"));

        // halt: nobody else installs; the device already on the release is up to date, the other stays put
        ok("rollout", repo, "--channel", "stable", "--percent", "0", "--trust-keys", keys.toString(),
                "--plain-http");
        assertEquals(FLEET, count(statuses(stable, fleetState), "not-eligible"));
        JsonNode onIt = json(ok("check", stable, "--target", "t", "--install-root", a.toString(), "--device-id",
                inside.value(), "--json", "--plain-http"));
        assertEquals("up-to-date", onIt.path("status").asText(), onIt::toString);
        ok("pull", stable, "--target", "t", "--install-root", b.toString(), "--plain-http");
        assertEquals(Path.of("versions/1.0.0"), Files.readSymbolicLink(b.resolve("current")));
        assertTrue(Files.exists(b.resolve(".updater/device-id")), "the install root's own id was created");
    }

    private Path installRootOn100(String repo, Path root, DeviceId id) {
        Path installRoot = dir.resolve("device-" + id.value());
        ok("trust", "bootstrap", root.toString(), "--install-root", installRoot.toString());
        ok("pull", repo + ":1.0.0", "--target", "t", "--install-root", installRoot.toString(), "--plain-http");
        return installRoot;
    }

    static ReleaseStore open(String repo) {
        return ReleaseStores.open(StoreReference.parse(repo), ReleaseStores.Options.defaults().withPlainHttp(true));
    }

    static byte[] manifestBytes(String repo, String tag) {
        try (ReleaseStore store = open(repo)) {
            return store.fetchManifest(tag).bytes();
        }
    }

    static String latestTag(String repo, String role) {
        try (ReleaseStore store = open(repo)) {
            long latest = store.listTags().stream().map(OciMetadataLayout::parseTag).flatMap(Optional::stream)
                    .filter(t -> t.rolePart().equals(role)).map(t -> t.version()).filter(OptionalLong::isPresent)
                    .mapToLong(OptionalLong::getAsLong).max().orElseThrow();
            return OciMetadataLayout.tagFor(role, OptionalLong.of(latest));
        }
    }

    /** What an operator with write access but no keys can do: rewrite a metadata file's bytes under its tag. */
    static void replaceMetadata(String repo, String tag, byte[] manifest, String regex, String to) throws Exception {
        try (ReleaseStore store = open(repo)) {
            OciDescriptor layer = OciMetadataLayout.metadataLayerOf(tag, manifest);
            String text;
            try (InputStream in = store.openBlob(layer)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String replaced = text.replaceAll(regex, to);
            assertFalse(replaced.equals(text), () -> "no " + regex + " in " + text);
            byte[] edited = replaced.getBytes(StandardCharsets.UTF_8);
            store.pushBlob(OciMetadataLayout.layerFor(edited), BlobSource.of(edited));
            String role = tag.substring(OciMetadataLayout.TAG_PREFIX.length(), tag.lastIndexOf('.'));
            store.pushManifest(OciMetadataLayout.manifestFor(role, edited).toBytes(), MediaTypes.OCI_MANIFEST, tag);
        }
    }

    @Test
    void without_tuf_the_policy_artifact_counts_only_when_signed_as_the_device_requires() throws Exception {
        String repo = registry.hostPort() + "/rollout/keyed";
        Path keys = Files.createDirectories(dir.resolve("cosign"));
        Path password = keys.resolve("password");
        Files.writeString(password, "test password\n");
        String prefix = keys.resolve("release").toString();
        ok("keygen", "--output-prefix", prefix, "--password-file", password.toString());
        String[] sign = {"--key", prefix + ".key", "--password-file", password.toString()};
        Digest v1 = push(repo, "1.0.0", 5, sign);
        Path state = dir.resolve("keyed-state");
        String stable = repo + ":stable";
        String[] verify = {"--key", prefix + ".pub"};

        CliRunner.Result unsigned = CliRunner.run("rollout", repo, "--channel", "stable", "--percent", "25",
                "--plain-http");
        assertEquals(ExitCode.STATE, unsigned.exitCode(), unsigned::toString);
        assertTrue(unsigned.err().contains("give --key"), unsigned::toString);
        ok(with(new String[] {"rollout", repo, "--channel", "stable", "--percent", "25", "--plain-http"}, sign));
        List<String> at25 = statuses(SAMPLE, stable, state, verify);
        assertEquals(expected(SAMPLE, v1, 25), at25);
        assertEquals(at25, statuses(SAMPLE, stable, state), "a device that checks no signatures reads it too");

        // raising keeps every device that was in
        ok(with(new String[] {"rollout", repo, "--channel", "stable", "--percent", "50", "--plain-http"}, sign));
        List<String> at50 = statuses(SAMPLE, stable, state, verify);
        assertEquals(expected(SAMPLE, v1, 50), at50);
        assertTrue(at50.contains("not-eligible") && at25.contains("available"), at50::toString);
        for (int i = 0; i < SAMPLE; i++) {
            if (at25.get(i).equals("available")) assertEquals("available", at50.get(i), "device " + i);
        }

        // the operator replaces the policy with an unsigned one at 100 %: devices that check signatures ignore it
        // and install nothing of the release (it acts as 0 %), saying why
        try (ReleaseStore store = open(repo)) {
            new PolicyArtifactPublisher(store).publish(v1, "stable", new RolloutPolicy(100, v1.toString(),
                    Optional.empty()), Optional.empty(), repo);
        }
        CliRunner.Result ignored = CliRunner.run(with(new String[] {"check", stable, "--target", "t", "--state-dir",
            state.toString(), "--device-id", "fleet-000", "--json", "--plain-http"}, verify));
        assertEquals(ExitCode.OK, ignored.exitCode(), ignored::toString);
        assertEquals("not-eligible", json(ignored).path("status").asText());
        assertTrue(ignored.err().contains("warning") && ignored.err().contains("0 %"), ignored::toString);
        assertEquals(SAMPLE, count(statuses(SAMPLE, stable, state, verify), "not-eligible"));
        assertFalse(json(ignored).has("rollout"));
    }
}
