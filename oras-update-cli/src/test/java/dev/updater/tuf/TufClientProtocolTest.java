package dev.updater.tuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.cli.Main;
import dev.updater.schema.Digest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code update tuf-client} as the TUF conformance suite drives it: init, refresh, download, cached download and a
 * failing download, against a JDK HTTP server, checking exit codes, stored bytes and the exact requests made.
 */
class TufClientProtocolTest {
    @TempDir
    Path temp;
    RepositoryServer server;
    String stderr = "";

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    int client(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
        stderr = err.toString();
        return code;
    }

    List<String> requestsDuring(Runnable action) {
        int before = server.requests.size();
        action.run();
        return new ArrayList<>(server.requests.subList(before, server.requests.size()));
    }

    String[] refreshArgs(Path metadata) {
        return new String[] {"tuf-client", "--metadata-dir", metadata.toString(),
                "--metadata-url", server.metadataUrl().toString(), "refresh"};
    }

    String[] downloadArgs(Path metadata, Path targets, String... names) {
        List<String> args = new ArrayList<>(List.of("tuf-client", "--metadata-dir", metadata.toString(),
                "--metadata-url", server.metadataUrl().toString(), "--target-base-url", server.targetsUrl().toString(),
                "--target-dir", targets.toString()));
        for (String name : names) {
            args.add("--target-name");
            args.add(name);
        }
        args.add("download");
        return args.toArray(String[]::new);
    }

    @Test
    void initRefreshDownloadCachedAndFailingDownload() throws IOException {
        TestRepository repo = new TestRepository();
        repo.addTarget("app.txt", "release 1");
        repo.addTarget("other.txt", "other");
        repo.publishAll();
        server = new RepositoryServer(repo.files);
        Path metadata = temp.resolve("metadata");
        Path targets = temp.resolve("targets");
        Files.createDirectories(metadata);
        Path trustedRoot = temp.resolve("trusted-root.json");
        Files.write(trustedRoot, repo.root(1));

        List<String> initRequests = requestsDuring(() ->
                assertEquals(0, client("tuf-client", "--metadata-dir", metadata.toString(), "init", trustedRoot.toString())));
        assertEquals(List.of(), initRequests);
        assertArrayEquals(repo.root(1), Files.readAllBytes(metadata.resolve("root.json")));

        List<String> refresh = requestsDuring(() -> assertEquals(0, client(refreshArgs(metadata)), stderr));
        assertEquals(List.of("/metadata/2.root.json", "/metadata/timestamp.json", "/metadata/snapshot.json",
                "/metadata/targets.json"), refresh);
        for (String role : List.of("timestamp", "snapshot", "targets")) {
            assertArrayEquals(repo.files.get("/metadata/" + role + ".json"),
                    Files.readAllBytes(metadata.resolve(role + ".json")), role + ".json must be stored as received");
        }

        List<String> again = requestsDuring(() -> assertEquals(0, client(refreshArgs(metadata)), stderr));
        assertEquals(List.of("/metadata/2.root.json", "/metadata/timestamp.json"), again,
                "unchanged timestamp: snapshot and targets come from the trusted copies");

        List<String> download = requestsDuring(() ->
                assertEquals(0, client(downloadArgs(metadata, targets, "app.txt")), stderr));
        assertEquals(List.of("/metadata/2.root.json", "/metadata/timestamp.json", "/targets/app.txt"), download);
        assertEquals("release 1", Files.readString(targets.resolve("app.txt")));

        List<String> cached = requestsDuring(() ->
                assertEquals(0, client(downloadArgs(metadata, targets, "app.txt")), stderr));
        assertFalse(cached.contains("/targets/app.txt"), "a cached target with matching hashes is not fetched: " + cached);

        repo.files.put("/targets/other.txt", "0ther".getBytes(StandardCharsets.UTF_8));
        assertEquals(1, client(downloadArgs(metadata, targets, "other.txt", "app.txt")));
        assertTrue(stderr.contains("other.txt"), stderr);
        assertFalse(Files.exists(targets.resolve("other.txt")));
        try (Stream<Path> files = Files.list(targets)) {
            assertEquals(List.of("app.txt"), files.map(p -> p.getFileName().toString()).toList());
        }

        List<String> unknown = requestsDuring(() ->
                assertEquals(1, client(downloadArgs(metadata, targets, "missing.txt", "app.txt"))));
        assertFalse(unknown.stream().anyMatch(r -> r.startsWith("/targets/")), "stops at the first failure");
    }

    @Test
    void consistentSnapshotAndFishyDelegatedRoleNames() throws IOException {
        TestRepository repo = new TestRepository();
        repo.consistentSnapshot = true;
        String fishy = "a/../b?#\u00f6";
        repo.delegate(fishy, "deleg/*");
        byte[] content = "delegated".getBytes(StandardCharsets.UTF_8);
        repo.delegations.get(fishy).targets().put("deleg/x.txt", content);
        repo.publishAll();
        server = new RepositoryServer(repo.files);
        Path metadata = temp.resolve("metadata");
        Path targets = temp.resolve("targets");
        Files.createDirectories(metadata);
        Files.write(metadata.resolve("root.json"), repo.root(1));

        List<String> requests = requestsDuring(() ->
                assertEquals(0, client(downloadArgs(metadata, targets, "deleg/x.txt")), stderr));
        String quoted = "a%2F..%2Fb%3F%23%C3%B6";
        assertEquals(List.of("/metadata/2.root.json", "/metadata/timestamp.json", "/metadata/1.snapshot.json",
                "/metadata/1.targets.json", "/metadata/1." + quoted + ".json",
                "/targets/deleg/" + Digest.of(content).hex() + ".x.txt"), requests);
        assertArrayEquals(repo.files.get("/metadata/1." + quoted + ".json"),
                Files.readAllBytes(metadata.resolve(quoted + ".json")));
        assertArrayEquals(content, Files.readAllBytes(targets.resolve("deleg%2Fx.txt")));
        try (Stream<Path> files = Files.list(metadata)) {
            assertEquals(5, files.count(), "root, timestamp, snapshot, targets and the delegated role, nothing else");
        }
    }

    /**
     * The delegation graph of the TUF conformance suite's {@code test_cached_role_is_verified_against_current_delegator}
     * (built here with our own test repository): targets delegates {@code team-a/*} to parent-a and {@code team-b/*}
     * to parent-b; both delegate to a role named {@code release}, naming different keys; release is signed only with
     * the key parent-a names, and lists a file under {@code team-b/}. Reached through parent-b, release must be
     * verified against parent-b's key, whether or not it was verified through parent-a before in the same run.
     */
    @Test
    void aRoleReachedThroughTwoDelegatorsIsVerifiedAgainstEach() throws IOException {
        TestRepository repo = TestRepository.oneRoleUnderTwoDelegators();
        repo.publishAll();
        server = new RepositoryServer(repo.files);
        Path metadata = temp.resolve("metadata");
        Path targets = temp.resolve("targets");
        Files.createDirectories(metadata);
        Files.write(metadata.resolve("root.json"), repo.root(1));

        // one run: release is first verified through parent-a, then looked up again through parent-b
        assertEquals(1, client(downloadArgs(metadata, targets, "team-a/app.txt", "team-b/malicious.txt")));
        assertEquals("good", Files.readString(targets.resolve("team-a%2Fapp.txt")));
        assertFalse(Files.exists(targets.resolve("team-b%2Fmalicious.txt")), "the malicious target was downloaded");
        assertTrue(stderr.contains("release") && stderr.contains("parent-b"), stderr);

        // a later run, with release verified and stored from the first: the stored copy is not trusted for parent-b
        assertEquals(1, client(downloadArgs(metadata, targets, "team-b/malicious.txt")));
        assertFalse(Files.exists(targets.resolve("team-b%2Fmalicious.txt")), "the malicious target was downloaded");
        assertEquals(0, client(downloadArgs(metadata, targets, "team-a/app.txt")), stderr);
    }

    @Test
    void succinctHashBinsFetchOnlyTheTargetsBin() throws IOException {
        TestRepository repo = new TestRepository();
        repo.consistentSnapshot = true;
        repo.delegateToHashBins(2);
        // sha256("too") starts with binary 10...: bin 2 of 4 (a fact the TUF conformance suite also checks)
        byte[] content = "binned".getBytes(StandardCharsets.UTF_8);
        repo.delegations.get("bin-2").targets().put("too", content);
        repo.publishAll();
        server = new RepositoryServer(repo.files);
        Path metadata = temp.resolve("metadata");
        Files.createDirectories(metadata);
        Files.write(metadata.resolve("root.json"), repo.root(1));

        List<String> requests = requestsDuring(() ->
                assertEquals(0, client(downloadArgs(metadata, temp.resolve("t"), "too")), stderr));
        assertEquals(List.of("/metadata/2.root.json", "/metadata/timestamp.json", "/metadata/1.snapshot.json",
                "/metadata/1.targets.json", "/metadata/1.bin-2.json",
                "/targets/" + Digest.of(content).hex() + ".too"), requests);
        assertTrue(Files.exists(metadata.resolve("bin-2.json")));
    }

    /** A real repository written by tuf-on-ci (ECDSA keys, custom fields, one empty signature). */
    @Test
    void staticTufOnCiRepository() throws Exception {
        Path repo = Path.of(getClass().getResource("/tuf-on-ci-0.11/README.md").toURI()).getParent();
        server = RepositoryServer.ofDirectory(repo);
        Path metadata = temp.resolve("metadata");
        Files.createDirectories(metadata);
        assertEquals(0, client("tuf-client", "--metadata-dir", metadata.toString(), "init",
                repo.resolve("initial_root.json").toString()));
        List<String> requests = requestsDuring(() ->
                assertEquals(0, client(downloadArgs(metadata, temp.resolve("t"), "delegatedrole/artifact")), stderr));
        assertEquals(List.of("/metadata/2.root.json", "/metadata/timestamp.json", "/metadata/2.snapshot.json",
                "/metadata/1.targets.json", "/metadata/2.delegatedrole.json",
                "/targets/delegatedrole/45f337ee451b4c098d121d09cc224bacc7794503ac58a47a78cfe7ebefb7fab3.artifact"),
                requests);
        assertEquals("artifact for tuf-on-ci repository\n",
                Files.readString(temp.resolve("t").resolve("delegatedrole%2Fartifact")));
    }

    @Test
    void refreshWithoutTrustedRootOrWithBadUrlExitsOne() throws IOException {
        server = new RepositoryServer(new TestRepository().publishAll().files);
        assertEquals(1, client(refreshArgs(temp.resolve("empty"))));
        assertTrue(stderr.contains("init"), stderr);
        assertEquals(1, client("tuf-client", "--metadata-dir", temp.toString(), "--metadata-url",
                "http://127.0.0.1:1/metadata/", "refresh"));
    }
}
