package dev.updater.registry;

import dev.updater.schema.Failure;
import dev.updater.schema.UntrustedText;

/**
 * A file of an OCI layout directory is not what the layout format allows: an {@code index.json} that is not an
 * index or is far too large, an entry that is not a valid descriptor, a blob that is not a regular file or not the
 * size its descriptor says. Like a digest mismatch it is a verification failure: nothing is read past the problem.
 */
public final class CorruptLayoutException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public CorruptLayoutException(String layout, String problem) {
        super(UntrustedText.escapeAll("the OCI layout " + layout + " is damaged: " + problem
                + ". Nothing was written; repair the layout, or push the release to a new one."));
    }

    @Override
    public Failure failure() {
        return Failure.VERIFICATION;
    }
}
