package dev.updater.publish;

import dev.updater.registry.LocalFileException;
import dev.updater.delta.DeltaEngine;
import dev.updater.delta.PatchCompression;
import dev.updater.delta.PatchFormat;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.TransferListener;
import dev.updater.release.PayloadFetcher;
import dev.updater.release.Release;
import dev.updater.release.ReleaseReader;
import dev.updater.schema.Digest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.PatchDescriptor;
import dev.updater.schema.SemVer;
import dev.updater.schema.TargetPayload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Makes the delta patches of a new release: for each target, from the payloads of the newest earlier releases
 * (fetched and digest-checked like any pull) to the new payload. A patch that is not clearly smaller than the
 * compressed full payload is not worth a device's trouble and is skipped, with the reason reported.
 */
final class PatchMaker {
    /** A patch made and accepted, ready to push: its descriptor for the manifest and its file. */
    record MadePatch(String target, PatchDescriptor descriptor, Path file) {}

    private final ReleaseStore store;
    private final DeltaOptions options;
    private final Path workDir;
    private final List<PatchReport> reports = new ArrayList<>();

    PatchMaker(ReleaseStore store, DeltaOptions options, Path workDir) {
        this.store = store;
        this.options = options;
        this.workDir = workDir;
    }

    List<PatchReport> reports() {
        return List.copyOf(reports);
    }

    List<MadePatch> make(SemVer newVersion, Map<String, TargetPayload> targets, Map<String, Path> files) {
        List<MadePatch> made = new ArrayList<>();
        if (options.fromReleases() == 0) return made;
        List<Release> previous = previousReleases(newVersion);
        for (Map.Entry<String, TargetPayload> t : targets.entrySet()) {
            TargetPayload payload = t.getValue();
            long compressedFull = -1;
            for (Release old : previous) {
                Optional<TargetPayload> oldPayload = old.update().target(t.getKey());
                SemVer from = old.update().version();
                if (oldPayload.isEmpty()) {
                    reports.add(new PatchReport(t.getKey(), from, compressedFull,
                            "release " + from + " has no target " + t.getKey()));
                    continue;
                }
                if (oldPayload.get().digest().equals(payload.digest())) {
                    reports.add(new PatchReport(t.getKey(), from, compressedFull,
                            "payload unchanged since " + from));
                    continue;
                }
                if (compressedFull < 0) compressedFull = compressedSize(files.get(t.getKey()));
                Path oldFile = fetch(oldPayload.get());
                Path patch = workDir.resolve(t.getKey() + "-from-" + from.toTag() + ".patch");
                try {
                    // Both digests are known (the payload's own, and the old one checked when it was fetched).
                    DeltaEngine.diff(oldFile, oldPayload.get().digest(), files.get(t.getKey()), payload.digest(),
                            patch, PatchFormat.UPDATER, options.compressionFor(payload.size()));
                    Optional<PatchCompression> compression = Optional.of(options.compressionFor(payload.size()));
                    long size = Files.size(patch);
                    long limit = (long) (compressedFull * options.maxRatio());
                    if (size > limit) {
                        reports.add(new PatchReport(t.getKey(), from, Optional.of(size), compressedFull, false,
                                String.format("patch is %d bytes, over %.0f%% of the compressed payload (%d bytes)",
                                        size, options.maxRatio() * 100, compressedFull), compression));
                        Files.delete(patch);
                        continue;
                    }
                    PatchDescriptor descriptor = new PatchDescriptor(from, oldPayload.get().digest(),
                            oldPayload.get().size(), sha256(patch), size, PatchFormat.UPDATER.mediaType());
                    made.add(new MadePatch(t.getKey(), descriptor, patch));
                    reports.add(new PatchReport(t.getKey(), from, Optional.of(size), compressedFull, true,
                            String.format("%.1f%% of the compressed payload", 100.0 * size / compressedFull),
                            compression));
                } catch (IOException e) {
                    throw new LocalFileException("cannot make the patch from " + from + " for " + t.getKey(), e);
                } finally {
                    try {
                        Files.deleteIfExists(oldFile);
                    } catch (IOException ignored) {
                        // a temp file in our own work dir
                    }
                }
            }
        }
        return made;
    }

    /** The newest {@code fromReleases} releases older than the new version, newest first. */
    private List<Release> previousReleases(SemVer newVersion) {
        List<SemVer> versions = new ArrayList<>();
        try {
            for (String tag : store.listTags()) {
                SemVer.fromTag(tag).filter(v -> v.compareTo(newVersion) < 0).ifPresent(versions::add);
            }
        } catch (dev.updater.registry.NotFoundException e) {
            return List.of(); // a new repository: nothing to patch from
        }
        versions.sort(Comparator.reverseOrder());
        List<Release> out = new ArrayList<>();
        for (SemVer v : versions.subList(0, Math.min(options.fromReleases(), versions.size()))) {
            out.add(ReleaseReader.read(store, v.toTag()));
        }
        return out;
    }

    private Path fetch(TargetPayload payload) {
        return new PayloadFetcher(store, workDir.resolve("old"), 30_000, TransferListener.NONE)
                .fetch(payload, "earlier payload " + payload.fileName());
    }

    /** What a client downloads without a patch, as xz would compress it: the bar a patch must clear. */
    private static long compressedSize(Path file) {
        CountingOutputStream counter = new CountingOutputStream();
        try (InputStream in = Files.newInputStream(file);
                XZOutputStream xz = new XZOutputStream(counter, new LZMA2Options(6))) {
            in.transferTo(xz);
        } catch (IOException e) {
            throw new LocalFileException("cannot read " + file, e);
        }
        return counter.count;
    }

    private static Digest sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Digest.of(in);
        }
    }

    static OciDescriptor layerOf(MadePatch p) {
        return new OciDescriptor(p.descriptor().mediaType(), p.descriptor().digest(), p.descriptor().size(),
                Map.of(MediaTypes.ANNOTATION_TARGET, p.target(),
                        MediaTypes.ANNOTATION_PATCH_FROM_VERSION, p.descriptor().fromVersion().toString(),
                        MediaTypes.ANNOTATION_PATCH_FROM_DIGEST, p.descriptor().fromDigest().toString()),
                Optional.empty());
    }

    private static final class CountingOutputStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
