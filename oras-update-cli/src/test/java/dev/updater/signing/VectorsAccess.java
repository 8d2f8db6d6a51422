package dev.updater.signing;

import java.nio.file.Path;

/** Lets tests in other packages find the cosign vectors. */
public final class VectorsAccess {
    private VectorsAccess() {}

    public static Path root() {
        return Vectors.root();
    }
}
