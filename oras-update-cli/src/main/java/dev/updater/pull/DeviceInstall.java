package dev.updater.pull;

import dev.updater.install.Installer;
import dev.updater.registry.RegistryNetworkException;
import dev.updater.registry.ReleaseStore;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One run of {@code update pull --install-root}, the way a device runs it from a timer: the cheap probes first (an
 * idle run costs what an idle {@code check} does), the full pipeline ({@link DeviceUpdater}) only when the poll cache
 * cannot answer, a prefetch of a deferred release with what it verified kept ({@link PrefetchedRelease}), and, when
 * the registry cannot be reached, the prefetched release verified again offline.
 *
 * <p>The registry is always asked first, even when a prefetched release is kept: a newer release, or a halt,
 * published since the prefetch must win, and a prefetch is a fallback for an unreachable registry, not a cache that
 * could hide one.
 */
public final class DeviceInstall {
    private final ReleaseStore online;
    private final PullOptions options;
    private final Installer installer;
    private final boolean prefetch;

    /** @param installer open: it recovered and holds the lock */
    public DeviceInstall(ReleaseStore online, PullOptions options, Installer installer, boolean prefetch) {
        this.online = online;
        this.options = options;
        this.installer = installer;
        this.prefetch = prefetch;
    }

    /** What a run did. */
    public sealed interface Outcome {}

    /** The poll cache answered (nothing changed since the last full check); nothing was fetched or installed. */
    public record Polled(UpdateDecision decision) implements Outcome {}

    /** The rollout or a window said not now; with --prefetch the payload bytes downloaded and verified now. */
    public record Held(DeviceUpdater.Decided decided, OptionalLong prefetchedBytes) implements Outcome {}

    /** The installer ran (it installed, or found the version current). */
    public record Done(DeviceUpdater.Installed installed) implements Outcome {}

    /**
     * @param offline why the registry could not be reached, when the prefetched release was used instead
     */
    public record Result(Outcome outcome, Optional<String> offline) {}

    public Result run(DevicePull request, DeviceContext context) {
        Path state = installer.layout().stateDir();
        ReleaseStore store = prefetch ? PrefetchedRelease.recording(online) : online;
        DeviceUpdater updater = new DeviceUpdater(store, options);
        CheapPoll poll = new CheapPoll(store, updater, state);
        DeviceUpdater.Decided decided;
        try {
            CheapPoll.Probe probe = poll.probe(request, context);
            if (probe.hit().isPresent() && settled(probe.hit().get(), request)) {
                return new Result(new Polled(probe.hit().get()), Optional.empty());
            }
            decided = poll.decideAndRemember(probe, request, context);
        } catch (RegistryNetworkException unreachable) {
            return installPrefetched(request, context, unreachable);
        }
        Outcome outcome;
        if (installs(decided.decision())) {
            outcome = new Done(updater.install(installer, request, decided.release()));
        } else if (prefetch && decided.decision().status() == UpdateDecision.Status.DEFERRED) {
            long bytes = updater.prefetch(decided, request.target());
            PrefetchedRelease.keep(store, state, request, decided);
            outcome = new Held(decided, OptionalLong.of(bytes));
        } else {
            outcome = new Held(decided, OptionalLong.empty());
        }
        PrefetchedRelease.discardIfInstalled(state, online, request, installer.status().currentVersion());
        return new Result(outcome, Optional.empty());
    }

    /**
     * Up to date and available go on to the installer, which reports an already current version (or refuses a
     * downgrade) as it always did; only the rollout's own outcomes stop the pull before it.
     */
    private static boolean installs(UpdateDecision decision) {
        return decision.status() == UpdateDecision.Status.AVAILABLE
                || decision.status() == UpdateDecision.Status.UP_TO_DATE;
    }

    /**
     * Whether the poll cache's answer ends this run as the full pipeline would, with nothing to install or fetch:
     * the current version with the same payload (the installer logs the no-op), or a rollout or window that says
     * not now (with --prefetch: of a release already prefetched).
     */
    private boolean settled(UpdateDecision d, DevicePull request) {
        return switch (d.status()) {
            case UP_TO_DATE -> installer.confirmCurrent(d.candidate().version(), d.candidate().payload()).isPresent();
            case NOT_ELIGIBLE -> true;
            case DEFERRED -> !prefetch || PrefetchedRelease.holds(installer.layout().stateDir(), online, request,
                    d.candidate().release());
            case AVAILABLE -> false;
        };
    }

    /**
     * The registry cannot be reached: a release prefetched for this request is verified again from what the
     * prefetch kept (digests, signatures, TUF expiry at this clock, the pinned release digest) and installed if the
     * decision says so now. Without a prefetch the run fails as it would have.
     */
    private Result installPrefetched(DevicePull request, DeviceContext context, RegistryNetworkException unreachable) {
        Path state = installer.layout().stateDir();
        Outcome outcome;
        String why;
        try (PrefetchedRelease.Kept kept = PrefetchedRelease.find(state, online, request)
                .orElseThrow(() -> unreachable)) {
            why = unreachable.getMessage() + "; using the release prefetched for this request (" + kept.version()
                    + ", " + kept.release().shortForm() + "), verified again offline";
            DeviceUpdater offline = new DeviceUpdater(kept.store(), options);
            DeviceUpdater.Decided decided = offline.decide(request, context);
            PrefetchedRelease.requirePinned(kept, decided);
            outcome = installs(decided.decision()) ? new Done(offline.install(installer, request, decided.release()))
                    : new Held(decided, OptionalLong.empty());
        }
        PrefetchedRelease.discardIfInstalled(state, online, request, installer.status().currentVersion());
        return new Result(outcome, Optional.of(why));
    }
}
