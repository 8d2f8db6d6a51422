package dev.updater.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.registry.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The packaged CLI signs and verifies with the key password from the environment, as CI and devices use it. */
class SigningConformanceTest {
    private static final String PASSWORD = "correct horse battery staple";
    private static final Map<String, String> WITH_PASSWORD = Map.of("UPDATE_PASSWORD", PASSWORD);
    @RegisterExtension
    static final LocalRegistry.PerClass registry = LocalRegistry.perClass();
    @TempDir
    Path dir;

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.exitCode(), r::toString);
        assertFalse(r.out().contains(PASSWORD) || r.err().contains(PASSWORD), "the password is never printed");
        return r;
    }

    @Test
    void keyFromTheEnvironmentSignsOnPushAndGatesThePull() throws Exception {
        String key = dir.resolve("release").toString();
        ok(Cli.updateWithEnv(WITH_PASSWORD, "keygen", "--output-prefix", key));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(key + ".key"))));
        String other = dir.resolve("other").toString();
        ok(Cli.updateWithEnv(WITH_PASSWORD, "keygen", "--algorithm", "ed25519", "--output-prefix", other));

        byte[] payload = new byte[10_000];
        new Random(3).nextBytes(payload);
        Path fw = dir.resolve("fw.bin");
        Files.write(fw, payload);
        String repo = registry.hostPort() + "/conformance/signed";
        ok(Cli.updateWithEnv(WITH_PASSWORD, "push", repo, "--plain-http", "--version", "1.0.0", "--target",
                "dev=" + fw, "--channel", "stable", "--key", key + ".key"));

        ok(Cli.update("verify", repo + ":stable", "--plain-http", "--key", key + ".pub"));
        Path out = dir.resolve("out/fw.bin");
        ok(Cli.update("pull", repo + ":stable", "--plain-http", "--target", "dev", "--output", out.toString(),
                "--key", key + ".pub"));
        assertArrayEquals(payload, Files.readAllBytes(out));

        Cli.Result wrongKey = Cli.update("pull", repo + ":stable", "--plain-http", "--target", "dev", "--output",
                dir.resolve("refused/fw.bin").toString(), "--key", other + ".pub");
        assertEquals(4, wrongKey.exitCode(), wrongKey::toString);
        assertTrue(wrongKey.err().contains("signature invalid"), wrongKey::toString);
        assertFalse(Files.exists(dir.resolve("refused/fw.bin")));

        Cli.Result threshold = Cli.update("verify", repo + ":stable", "--plain-http", "--key", key + ".pub",
                "--key", other + ".pub", "--threshold", "2");
        assertEquals(4, threshold.exitCode(), threshold::toString);
        assertTrue(threshold.err().contains("threshold not met"), threshold::toString);
        ok(Cli.updateWithEnv(WITH_PASSWORD, "sign", repo + ":1.0.0", "--plain-http", "--key", other + ".key"));
        ok(Cli.update("verify", repo + ":stable", "--plain-http", "--key", key + ".pub", "--key", other + ".pub",
                "--threshold", "2"));
    }

    @Test
    void withoutAnyPasswordSourceKeygenExplainsWhereThePasswordComesFrom() {
        String key = dir.resolve("nokey").toString();
        // env -u: the test must not depend on whether the developer running it has UPDATE_PASSWORD set.
        Cli.Result r = Cli.run(java.util.List.of("env", "-u", "UPDATE_PASSWORD", Cli.launcher().toString(), "keygen",
                "--output-prefix", key), Map.of());
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("UPDATE_PASSWORD") && r.err().contains("--password-file"), r::toString);
        assertFalse(Files.exists(Path.of(key + ".key")));
        assertFalse(Files.exists(Path.of(key + ".pub")));
    }
}
