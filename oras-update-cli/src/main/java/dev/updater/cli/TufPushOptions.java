package dev.updater.cli;

import dev.updater.publish.PublishResult;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.VerifiedManifest;
import dev.updater.tuf.OciTrustMirror;
import dev.updater.tuf.ReleaseTargets;
import dev.updater.tuf.RepositoryPublisher;
import dev.updater.tuf.SigningKey;
import dev.updater.tuf.TrustStateException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** {@code update push --trust-keys}: list the release in the repository's TUF targets, then snapshot and timestamp. */
public final class TufPushOptions {
    @Option(names = "--trust-keys", paramLabel = "KEYDIR",
            description = "TUF keys (targets.pem, snapshot.pem, timestamp.pem, as 'update trust init' made them): "
                    + "after the upload, list the release in the repository's signed targets as PRODUCT/VERSION and "
                    + "PRODUCT/channels/CHANNEL, then publish new snapshot and timestamp versions. The repository "
                    + "must have trust ('update trust init --registry').")
    Path keys;

    @Option(names = "--trust-repo", paramLabel = "DIR",
            description = "With --trust-keys: keep the working copy of the trust metadata here (default: a temporary "
                    + "directory; the repository is the source of truth either way).")
    Path workingCopy;

    /**
     * Loaded keys and the repository's verified trust metadata in a working copy: everything that can fail is
     * checked before the release is uploaded.
     */
    public final class Signer {
        private final ReleaseStore store;
        private final SigningKey targets;
        private final SigningKey snapshot;
        private final SigningKey timestamp;
        private final Path dir;
        private final boolean temporary;
        private final OciTrustMirror mirror;
        private final RepositoryPublisher publisher;

        private Signer(ReleaseStore store) {
            this.store = store;
            this.targets = SigningKey.read(keys.resolve("targets.pem"));
            this.snapshot = SigningKey.read(keys.resolve("snapshot.pem"));
            this.timestamp = SigningKey.read(keys.resolve("timestamp.pem"));
            this.temporary = workingCopy == null;
            try {
                this.dir = temporary ? Files.createTempDirectory("update-trust-") : workingCopy;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.publisher = new RepositoryPublisher(dir, Clock.systemUTC());
            this.mirror = new OciTrustMirror(store);
            try {
                mirror.download(publisher.metadataDir());
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private void close() {
            if (temporary) deleteTree(dir);
        }

        /** Adds the published release's target entries and pushes new targets, snapshot and timestamp versions. */
        public void addRelease(PublishResult result, List<String> channels, PrintWriter err) {
            VerifiedManifest manifest = store.fetchManifest(result.digest().toString());
            var entries = ReleaseTargets.entriesFor(result.update().product(), result.update().version(), manifest,
                    result.update().sortedTargets().keySet(), channels);
            try {
                publisher.addTargets(entries, targets, snapshot, timestamp);
                mirror.upload(publisher.metadataDir());
            } finally {
                close();
            }
            err.println("Signed it into TUF targets: " + String.join(", ", entries.keySet()));
        }
    }

    /** Empty without --trust-keys; otherwise the keys, after checking the repository has trust metadata. */
    Optional<Signer> prepare(ReleaseStore store) {
        if (keys == null) {
            if (workingCopy != null) throw new UsageException("--trust-repo needs --trust-keys");
            return Optional.empty();
        }
        if (!OciTrustMirror.hasTrust(store)) {
            throw new TrustStateException(store.describe() + " has no TUF metadata (no tag tuf-root.1); create it "
                    + "with 'update trust init --registry REF --repo DIR --keys " + keys + "'");
        }
        return Optional.of(new Signer(store));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
