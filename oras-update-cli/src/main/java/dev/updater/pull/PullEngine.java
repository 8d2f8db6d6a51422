package dev.updater.pull;

import dev.updater.delta.DeltaEngine;
import dev.updater.delta.PatchFormat;
import dev.updater.registry.BlobDownloader;
import dev.updater.registry.FetchedBytes;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.LocalFileException;
import dev.updater.registry.io.Durable;
import dev.updater.release.PayloadFetcher;
import dev.updater.schema.Digest;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.PatchDescriptor;
import dev.updater.schema.TargetPayload;
import dev.updater.schema.UpdaterException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The fetch stage of a device pull: carries out a {@link FetchPlan} (so only a {@link VerifiedRelease}'s payload can
 * be fetched), either applying the planned patch to the base file or downloading the payload (resumable,
 * digest-checked), and moves the result into place atomically. A delta that cannot be used for any reason
 * (no patch from the base, patch blob missing, corrupt patch, wrong result) falls back to the full payload, and the
 * result says why. A pull that fails leaves no output file behind; a partial download stays in the state directory
 * for the next run to resume.
 */
public final class PullEngine {
    private final ReleaseStore store;
    private final PullOptions options;

    public PullEngine(ReleaseStore store, PullOptions options) {
        this.store = store;
        this.options = options;
    }

    /**
     * Writes the plan's payload to {@code output}: by its patch when the plan has one and the patch works, else the
     * full payload, saying why the patch was not used.
     */
    public PullResult.Fetch fetch(FetchPlan plan, Path output) {
        Optional<String> fallback = plan.noPatchBecause();
        if (plan.patch().isPresent()) {
            try {
                return fetchByPatch(plan.payload(), plan.patch().get(), output);
            } catch (DeltaUnavailable e) {
                fallback = Optional.of(e.getMessage());
            }
        }
        long bytes = fetchPayload(plan.payload(), output);
        return new PullResult.Fetch(PullResult.Fetch.FULL, bytes, Optional.empty(), fallback);
    }

    /** Why the delta path was abandoned; never escapes this class. */
    private static final class DeltaUnavailable extends Exception {
        private static final long serialVersionUID = 1L;

        DeltaUnavailable(String message) {
            super(dev.updater.schema.UntrustedText.escapeAll(message), null, false, false);
        }
    }

    private PullResult.Fetch fetchByPatch(TargetPayload payload, FetchPlan.PatchStep step, Path output)
            throws DeltaUnavailable {
        PatchDescriptor patch = step.patch();
        Path base = step.base();
        Digest baseDigest = step.baseDigest();
        Path target = output.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + ".patched-" + ProcessHandle.current().pid());
        Path patchFile = null;
        try {
            PatchFormat format = PatchFormat.fromMediaType(patch.mediaType());
            OciDescriptor blob = new OciDescriptor(patch.mediaType(), patch.digest(), patch.size());
            FetchedBytes counted = new FetchedBytes(options.listener());
            patchFile = new BlobDownloader(store, options.stallMillis(), counted).download(blob,
                    options.downloadsDir(), "patch from " + patch.fromVersion());
            Files.createDirectories(target.getParent());
            // apply refuses a patch to another source or target up front and renames the result into place only
            // once its size and SHA-256 are the payload's: the result is not hashed a second time here.
            try (InputStream in = Files.newInputStream(patchFile)) {
                DeltaEngine.apply(base, in, format, temp,
                        new DeltaEngine.Expected(baseDigest, payload.size(), payload.digest()));
            }
            Durable.move(temp, target, permissions(payload.fileMode()));
            return new PullResult.Fetch(PullResult.Fetch.DELTA, counted.fetched(), Optional.of(patch.fromVersion()),
                    Optional.empty());
        } catch (UpdaterException e) {
            throw new DeltaUnavailable("patch from " + patch.fromVersion() + " unusable: " + e.getMessage());
        } catch (IOException e) {
            throw new DeltaUnavailable("patch from " + patch.fromVersion() + " failed: " + e.getMessage());
        } finally {
            deleteQuietly(temp);
            if (patchFile != null) deleteQuietly(patchFile);
        }
    }

    /**
     * Downloads a payload (verified, whole or chunked) and moves it to {@code output} with its file mode; returns the
     * bytes this run fetched (a resumed download counts only the rest).
     */
    private long fetchPayload(TargetPayload payload, Path output) {
        FetchedBytes counted = new FetchedBytes(options.listener());
        Path verified = new PayloadFetcher(store, options.downloadsDir(), options.stallMillis(), counted)
                .fetch(payload, payload.fileName());
        Durable.move(verified, output.toAbsolutePath(), permissions(payload.fileMode()));
        return counted.fetched();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temp file is named as such
        }
    }

    /** The permission bits of {@code mode} (setuid, setgid and sticky are not kept). */
    static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder s = new StringBuilder();
        String chars = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            s.append((mode & (1 << (8 - i))) != 0 ? chars.charAt(i) : '-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }
}
