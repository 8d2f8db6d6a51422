package dev.updater.cli;

import dev.updater.schema.Failure;

/**
 * The exit codes of {@code update}. Scripts depend on them: never renumber, only add. Documented in README.md and in
 * {@code update --help}.
 */
public final class ExitCode {
    private ExitCode() {}

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int VERIFICATION = 4;
    public static final int NETWORK = 5;
    public static final int AUTH = 6;
    public static final int STATE = 7;
    public static final int HEALTH_CHECK = 8;

    public static int of(Failure failure) {
        return switch (failure) {
            case USAGE -> USAGE;
            case NOT_FOUND -> NOT_FOUND;
            case VERIFICATION -> VERIFICATION;
            case NETWORK -> NETWORK;
            case AUTH -> AUTH;
            case STATE -> STATE;
            case HEALTH_CHECK -> HEALTH_CHECK;
            case INTERNAL -> FAILURE;
        };
    }

    /** The table shown at the end of {@code update --help}. */
    public static final String HELP_TABLE = "Exit codes:%n"
            + "  0  success%n"
            + "  1  unexpected failure (a bug or an environment problem)%n"
            + "  2  usage error: bad flags, reference, file or key%n"
            + "  3  not found: repository, tag, release, target, or snapshot%n"
            + "  4  verification failed: digest, signature, trust metadata, schema or patch; nothing was installed%n"
            + "  5  network: registry unreachable or failing after retries%n"
            + "  6  authentication or authorization refused by the registry%n"
            + "  7  local state: install root locked, policy refused (downgrade, prerelease), nothing to roll back%n"
            + "  8  health check failed after install; the previous version was restored";
}
