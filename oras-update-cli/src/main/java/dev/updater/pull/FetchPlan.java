package dev.updater.pull;

import dev.updater.install.InstallRequest;
import dev.updater.install.PayloadKind;
import dev.updater.schema.Digest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.PatchDescriptor;
import dev.updater.schema.TargetPayload;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The third stage of a device pull, pure: which target, whether to fetch it whole or by a patch from a base the
 * device has (and why not), and what to install. The fetch stage follows it; a patch that turns out unusable there
 * (missing, corrupt, wrong result) still falls back to the full payload.
 */
public record FetchPlan(VerifiedRelease release, String target, TargetPayload payload, Optional<PatchStep> patch,
        Optional<String> noPatchBecause) {

    /** Apply {@code patch} to {@code base}, whose content hashes to {@code baseDigest}. */
    public record PatchStep(PatchDescriptor patch, Path base, Digest baseDigest) {}

    public FetchPlan {
        if (release == null || target == null || payload == null || patch == null || noPatchBecause == null) {
            throw new IllegalArgumentException("every part of a plan is required");
        }
        if (patch.isPresent() && noPatchBecause.isPresent()) {
            throw new IllegalArgumentException("a plan with a patch has no reason to go without one");
        }
    }

    public static FetchPlan plan(VerifiedRelease release, String target, Optional<BaseFile> base) {
        TargetPayload payload = release.target(target);
        if (base.isEmpty()) {
            return new FetchPlan(release, target, payload, Optional.empty(), Optional.empty());
        }
        BaseFile b = base.get();
        if (b.unusable().isPresent()) {
            return new FetchPlan(release, target, payload, Optional.empty(), b.unusable());
        }
        Digest from = b.digest().orElseThrow();
        if (from.equals(payload.digest())) {
            return new FetchPlan(release, target, payload, Optional.empty(),
                    Optional.of("base file already is this payload"));
        }
        Optional<PatchDescriptor> patch = payload.patchFrom(from);
        if (patch.isEmpty()) {
            return new FetchPlan(release, target, payload, Optional.empty(), Optional.of("no patch from the base file ("
                    + from.shortForm() + ")" + (payload.patches().isEmpty()
                            ? "; the release has no patches for this target"
                            : "; patches exist from versions " + payload.patches().stream()
                                    .map(p -> p.fromVersion().toString()).collect(Collectors.joining(", ")))));
        }
        return new FetchPlan(release, target, payload, Optional.of(new PatchStep(patch.get(), b.path(), from)),
                Optional.empty());
    }

    /** How the payload becomes a version directory: a tar archive is extracted, anything else is one file. */
    public InstallRequest installRequest() {
        return new InstallRequest(release.release().update().version(), payload.digest(), payload.size(),
                kindOf(payload), payload.fileName(), payload.fileMode(), payload.size());
    }

    static PayloadKind kindOf(TargetPayload payload) {
        return MediaTypes.PAYLOAD_TAR.equals(payload.mediaType()) ? PayloadKind.TAR : PayloadKind.FILE;
    }
}
