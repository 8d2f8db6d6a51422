package dev.updater.install;

/** How a payload becomes a version directory. */
public enum PayloadKind {
    /** One file (a binary, a firmware image) installed under its file name with its file mode. */
    FILE,
    /** An uncompressed tar archive extracted into the version directory, after every entry has been checked. */
    TAR
}
