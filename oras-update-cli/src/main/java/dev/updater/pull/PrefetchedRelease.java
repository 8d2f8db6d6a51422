package dev.updater.pull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.BlobSource;
import dev.updater.registry.DigestMismatchException;
import dev.updater.registry.LocalFileException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.VerifiedManifest;
import dev.updater.registry.io.Durable;
import dev.updater.registry.layout.OciLayoutStore;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.SemVer;
import dev.updater.signing.TrustPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a deferred {@code pull --prefetch} keeps so that the install inside the window needs no network: every
 * manifest and metadata blob the resolve, verify and policy stages read (release manifest, update manifest, signature
 * artifacts, policy artifact, TUF roles), as an OCI layout in the state directory ({@code prefetch/KEY/}), with the
 * release digest the decision verified. The payload itself is in the download area already.
 *
 * <p>Nothing kept is trusted for being kept. The install inside the window asks the registry first, because a newer
 * release or a halt published since the prefetch must win; only when the registry cannot be reached does it run the
 * very same stages against this layout, which hashes every manifest and blob it serves (a changed file is a digest
 * mismatch), re-checks the signatures and TUF signatures and expiries against the clock of the install (an
 * expired timestamp refuses, as it would online), and must arrive at the pinned release digest.
 */
public final class PrefetchedRelease {
    private static final String RECORD = "prefetch.json";

    private PrefetchedRelease() {}

    /** A store whose reads can later be {@linkplain #keep kept}; it reads through {@code online}. */
    public static ReleaseStore recording(ReleaseStore online) {
        return new RecordingStore(online);
    }

    /**
     * Keeps what {@code recording} read while {@code decided} was verified, replacing an earlier prefetch of the
     * same request; the directory appears whole or not at all.
     */
    public static void keep(ReleaseStore recording, Path stateDir, DevicePull request,
            DeviceUpdater.Decided decided) {
        if (!(recording instanceof RecordingStore r)) {
            throw new IllegalArgumentException("only a recording store's reads can be kept");
        }
        Path target = dirOf(stateDir, r.online(), request);
        Path temp = target.resolveSibling(target.getFileName() + ".partial-" + ProcessHandle.current().pid());
        deleteTree(temp);
        try (OciLayoutStore layout = OciLayoutStore.open(temp, true)) {
            for (RecordingStore.Blob blob : r.blobs()) {
                layout.pushBlob(blob.descriptor(), BlobSource.of(blob.bytes()));
            }
            Map<Digest, VerifiedManifest> manifests = r.manifests();
            for (VerifiedManifest m : manifests.values()) {
                layout.pushManifest(m.bytes(), m.mediaType(), m.digest().toString());
            }
            r.references().forEach((reference, digest) -> {
                if (!Digest.isValid(reference)) {
                    VerifiedManifest m = manifests.get(digest);
                    layout.pushManifest(m.bytes(), m.mediaType(), reference);
                }
            });
        }
        ObjectNode record = Json.object();
        record.put("release", decided.release().digest().toString());
        record.put("version", decided.release().release().update().version().toString());
        record.put("request", request.release());
        record.put("target", request.target());
        Durable.write(temp.resolve(RECORD), Json.write(record));
        deleteTree(target);
        Durable.rename(temp, target);
    }

    /** The kept release of {@code request}, verified again from the layout: what the pipeline needs offline. */
    public record Kept(ReleaseStore store, Digest release, String version) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
        }
    }

    /** The prefetch kept for {@code request} from {@code online}'s registry, if there is one. */
    public static Optional<Kept> find(Path stateDir, ReleaseStore online, DevicePull request) {
        Path dir = dirOf(stateDir, online, request);
        Path record = dir.resolve(RECORD);
        if (!Files.isRegularFile(record)) return Optional.empty();
        JsonNode n;
        try {
            n = Json.parse(Files.readAllBytes(record), "prefetch record " + record);
        } catch (IOException e) {
            throw new LocalFileException("cannot read " + record, e);
        }
        if (!n.path("release").isTextual() || !Digest.isValid(n.path("release").asText())) {
            throw new ManifestFormatException(record.toString(), "names no release digest");
        }
        return Optional.of(new Kept(OciLayoutStore.open(dir, false), Digest.parse(n.get("release").asText()),
                n.path("version").asText("?")));
    }

    /** Whether the prefetch kept for {@code request} is of {@code release} (a deferred poll need not fetch it again). */
    public static boolean holds(Path stateDir, ReleaseStore online, DevicePull request, Digest release) {
        Path record = dirOf(stateDir, online, request).resolve(RECORD);
        try {
            return Files.isRegularFile(record) && release.toString().equals(Json.parse(Files.readAllBytes(record),
                    "prefetch record").path("release").asText());
        } catch (IOException | RuntimeException e) {
            return false; // unreadable: prefetch again
        }
    }

    /**
     * The offline run must verify its way to the very release the prefetch verified: anything else means the kept
     * files were changed (a retagged layout), and nothing is installed.
     */
    public static void requirePinned(Kept kept, DeviceUpdater.Decided decided) {
        if (!decided.release().digest().equals(kept.release())) {
            throw new DigestMismatchException("the prefetched release in " + kept.store().describe(),
                    kept.release(), decided.release().digest().toString());
        }
    }

    /**
     * Drops the kept prefetch of {@code request} once the device runs its version or a newer one: it can no longer
     * be installed, and an old one must not be offered to a later offline run.
     */
    public static void discardIfInstalled(Path stateDir, ReleaseStore online, DevicePull request,
            Optional<SemVer> current) {
        Path dir = dirOf(stateDir, online, request);
        if (current.isEmpty() || !Files.isRegularFile(dir.resolve(RECORD))) return;
        Optional<SemVer> kept;
        try {
            kept = Optional.of(SemVer.parse(Json.parse(Files.readAllBytes(dir.resolve(RECORD)), "prefetch record")
                    .path("version").asText()));
        } catch (IOException | RuntimeException e) {
            kept = Optional.empty(); // unreadable: of no use to anyone
        }
        if (kept.isEmpty() || current.get().compareTo(kept.get()) >= 0) deleteTree(dir);
    }

    private static Path dirOf(Path stateDir, ReleaseStore online, DevicePull request) {
        return stateDir.resolve("prefetch").resolve(PollCache.keyOf(online.describe(), request.release(),
                request.target(), request.tuf().product().orElse(""),
                request.signatures().map(TrustPolicy::describe).orElse("")));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new LocalFileException("cannot remove " + dir, e);
        }
    }
}
