package dev.updater.pull;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.cli.CliRunner;
import dev.updater.install.InstallOptions;
import dev.updater.install.InstallResult;
import dev.updater.install.Installer;
import dev.updater.install.PayloadKind;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.schema.Digest;
import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;
import dev.updater.signing.KeyPolicy;
import dev.updater.signing.SignatureVerificationException;
import dev.updater.signing.TrustPolicy;
import dev.updater.signing.VerificationKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device pipeline as a library, without the CLI: resolve → verify → plan → fetch → install over a real OCI
 * layout (published with the CLI as a fixture). Checks the order that the types enforce: a signature failure
 * happens before any payload byte is fetched, a plan reads nothing, and an install patches from the current version.
 */
class DeviceUpdaterTest {
    @TempDir
    Path dir;
    StoreReference layout;
    byte[] v1;
    byte[] v2;

    @BeforeEach
    void publish() throws Exception {
        layout = StoreReference.parse("oci:" + dir.resolve("layout"));
        v1 = bytes(200_000, 1);
        v2 = v1.clone();
        for (int i = 0; i < 2_000; i++) v2[i * 97] ^= 0x5a; // a small change: the push makes a patch from 1.0.0
        push("1.0.0", v1, "--channel", "stable");
        push("2.0.0", v2);
    }

    private void push(String version, byte[] content, String... extra) throws Exception {
        Path file = Files.write(Files.createDirectories(dir.resolve("src-" + version)).resolve("app"), content);
        List<String> args = new java.util.ArrayList<>(List.of("push", layout.toString(), "--version", version,
                "--target", "linux=" + file, "--quiet"));
        args.addAll(List.of(extra));
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r::toString);
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private DevicePull request(String release, Optional<TrustPolicy> signatures, Optional<Path> base) {
        return new DevicePull(layout, release, "linux", signatures,
                new DevicePull.Tuf(dir.resolve("trust"), false, Optional.empty()), base);
    }

    private ReleaseStore store() {
        return ReleaseStores.open(layout, ReleaseStores.Options.defaults());
    }

    private PullOptions options() {
        return PullOptions.defaults(dir.resolve("state"));
    }

    @Test
    void aPullToAFileFollowsTheTagAndPatchesFromAGivenBase() throws Exception {
        Path base = Files.write(dir.resolve("base"), v1);
        Path out = dir.resolve("out/app");
        try (ReleaseStore s = store()) {
            PullResult r = new DeviceUpdater(s, options()).pullToFile(request("2.0.0", Optional.empty(),
                    Optional.of(base)), out);
            assertEquals("2.0.0", r.version().toString());
            assertEquals(PullResult.Fetch.DELTA, r.fetch().method(), r.fetch()::toString);
            assertEquals("1.0.0", r.fetch().patchFrom().orElseThrow().toString());
            assertTrue(r.fetch().bytesDownloaded() < v2.length / 4, r.fetch()::toString);
        }
        assertArrayEquals(v2, Files.readAllBytes(out));
    }

    @Test
    void anUnsignedReleaseIsRefusedBeforeAnyPayloadIsFetched() throws Exception {
        String prefix = dir.resolve("alice").toString();
        Path password = Files.writeString(dir.resolve("password"), "pw\n");
        assertEquals(0, CliRunner.run("keygen", "--output-prefix", prefix, "--password-file", password.toString())
                .exitCode());
        TrustPolicy alice = KeyPolicy.anyOf(List.of(VerificationKey.fromPem(
                Files.readAllBytes(Path.of(prefix + ".pub")), prefix + ".pub")));
        Path out = dir.resolve("out/app");
        try (ReleaseStore s = store()) {
            DeviceUpdater updater = new DeviceUpdater(s, options());
            SignatureVerificationException e = assertThrows(SignatureVerificationException.class,
                    () -> updater.pullToFile(request("stable", Optional.of(alice), Optional.empty()), out));
            assertEquals(Failure.VERIFICATION, e.failure());
        }
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(dir.resolve("state/downloads")), "not one payload byte was downloaded");
    }

    @Test
    void requiredTufWithoutAPinnedRootIsAUsageErrorAndADigestIsResolvedAsOne() throws Exception {
        try (ReleaseStore s = store()) {
            DevicePull tufRequired = new DevicePull(layout, "stable", "linux", Optional.empty(),
                    new DevicePull.Tuf(dir.resolve("trust"), true, Optional.empty()), Optional.empty());
            UpdaterException e = assertThrows(UpdaterException.class, () -> ResolvedRelease.resolve(s, tufRequired));
            assertEquals(Failure.USAGE, e.failure());
            assertTrue(e.getMessage().contains("no trusted root pinned"), e.getMessage());

            ResolvedRelease byTag = ResolvedRelease.resolve(s, request("stable", Optional.empty(), Optional.empty()));
            assertEquals(ResolvedRelease.Route.TAG, byTag.route());
            String digest = byTag.manifest().digest().toString();
            ResolvedRelease byDigest = ResolvedRelease.resolve(s, request(digest, Optional.empty(), Optional.empty()));
            assertEquals(ResolvedRelease.Route.DIGEST, byDigest.route());
            VerifiedRelease release = VerifiedRelease.verify(s, byDigest, Optional.empty());
            assertEquals("1.0.0", release.release().update().version().toString());
            assertEquals(Optional.empty(), release.signatures());
        }
    }

    @Test
    void thePlanIsPureAndSaysWhyItTakesNoPatch() throws Exception {
        VerifiedRelease release;
        try (ReleaseStore s = store()) {
            release = VerifiedRelease.verify(s, ResolvedRelease.resolve(s, request("2.0.0", Optional.empty(),
                    Optional.empty())), Optional.empty());
        }
        Path missing = dir.resolve("no-such-file");
        assertEquals(Optional.of("base file " + missing + " does not exist"),
                FetchPlan.plan(release, "linux", Optional.of(BaseFile.examine(missing))).noPatchBecause());
        Digest unrelated = Digest.of(new byte[] {1});
        FetchPlan noPatch = FetchPlan.plan(release, "linux", Optional.of(new BaseFile(missing, Optional.of(unrelated),
                Optional.empty())));
        assertTrue(noPatch.patch().isEmpty());
        assertTrue(noPatch.noPatchBecause().orElseThrow().contains("patches exist from versions 1.0.0"),
                noPatch::toString);
        FetchPlan patch = FetchPlan.plan(release, "linux", Optional.of(new BaseFile(missing, Optional.of(
                Digest.of(v1)), Optional.empty())));
        assertEquals("1.0.0", patch.patch().orElseThrow().patch().fromVersion().toString());
        assertEquals(PayloadKind.FILE, patch.installRequest().kind());
        assertEquals(Optional.of("base file already is this payload"), FetchPlan.plan(release, "linux",
                Optional.of(new BaseFile(missing, Optional.of(Digest.of(v2)), Optional.empty()))).noPatchBecause());
        assertThrows(IllegalArgumentException.class, () -> new BaseFile(missing, Optional.empty(), Optional.empty()));
    }

    @Test
    void anInstallPatchesFromTheCurrentVersion() throws Exception {
        Path root = dir.resolve("device");
        try (ReleaseStore s = store(); Installer installer = Installer.open(root, InstallOptions.defaults())) {
            DeviceUpdater updater = new DeviceUpdater(s, PullOptions.defaults(root.resolve(".updater")));
            DeviceUpdater.Installed first = updater.install(installer, request("stable", Optional.empty(),
                    Optional.empty()));
            assertEquals(InstallResult.Outcome.INSTALLED, first.result().outcome());
            assertEquals(PullResult.Fetch.FULL, first.fetch().orElseThrow().method());

            DeviceUpdater.Installed second = updater.install(installer, request("2.0.0", Optional.empty(),
                    Optional.empty()));
            assertEquals(PullResult.Fetch.DELTA, second.fetch().orElseThrow().method(), second::toString);
            assertEquals("2.0.0", second.release().release().update().version().toString());

            DeviceUpdater.Installed again = updater.install(installer, request("2.0.0", Optional.empty(),
                    Optional.empty()));
            assertEquals(InstallResult.Outcome.ALREADY_CURRENT, again.result().outcome());
            assertEquals(Optional.empty(), again.fetch(), "nothing fetched for the current version");
        }
        assertArrayEquals(v2, Files.readAllBytes(root.resolve("current/app")));
    }
}
