package dev.updater.registry.layout;

import dev.updater.registry.CorruptLayoutException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the files of a layout directory without trusting them: anything but a regular file (a FIFO would block the
 * read forever, {@code /dev/zero} never ends, a directory cannot be read) is refused before it is opened, and a file
 * read whole is refused once it passes its limit, whatever its size claimed.
 */
final class LayoutFiles {
    private LayoutFiles() {}

    /**
     * The whole of a small metadata file ({@code index.json}, {@code oci-layout}). A symbolic link to a regular file
     * is followed (people link layouts together); to anything else it is refused.
     *
     * @throws NoSuchFileException when there is no such file (the caller says what that means)
     */
    static byte[] readSmall(Path file, int limit, String layout) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        requireRegular(file.getFileName().toString(), attributes, layout);
        if (attributes.size() > limit) {
            throw tooLarge(file, attributes.size() + " bytes", limit, layout);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw tooLarge(file, "more than " + limit + " bytes", limit, layout);
            }
            return bytes;
        }
    }

    /**
     * The attributes of a blob file, which must be a regular file itself: a content-addressed blob is never a link
     * (a link to {@code /dev/zero} or to a file outside the layout is refused, not followed).
     *
     * @throws NoSuchFileException when the blob is missing
     */
    static BasicFileAttributes blobAttributes(Path file, String what, String layout) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        requireRegular(what, attributes, layout);
        return attributes;
    }

    /** Opens a blob checked by {@link #blobAttributes}, refusing a link swapped in since (O_NOFOLLOW). */
    static InputStream openBlob(Path file) throws IOException {
        return Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    private static void requireRegular(String what, BasicFileAttributes attributes, String layout) {
        if (attributes.isRegularFile()) return;
        String kind = attributes.isSymbolicLink() ? "a symbolic link" : attributes.isDirectory() ? "a directory"
                : "a special file (device, FIFO or socket)";
        throw new CorruptLayoutException(layout, what + " is " + kind + ", not a regular file; it was"
                + " not read");
    }

    private static CorruptLayoutException tooLarge(Path file, String size, int limit, String layout) {
        return new CorruptLayoutException(layout, file.getFileName() + " is " + size + ", over the limit of "
                + limit + " bytes for that file");
    }
}
