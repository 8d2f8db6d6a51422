package dev.updater.registry.io;

import dev.updater.registry.LocalFileException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The one way this project writes a file that must survive a crash or a power cut: the content goes into a new
 * temporary sibling of the target, is forced to disk, is renamed over the target in one atomic step, and the
 * directory holding the target is forced after the rename (otherwise the rename itself may be lost). A reader, or
 * the next run after a crash, sees the old file or the complete new one, never a torn one; a failed write leaves
 * the old file and no temporary file.
 *
 * <p>Every failure of the local file system (a full disk, a read-only mount, permissions, a failing device) is a
 * {@link LocalFileException} naming the path: local state (exit 7), never a bare {@code UncheckedIOException}.
 * An {@link IOException} that a {@link Content} throws itself (reading its own source, e.g. the network) is not a
 * local write failure and reaches the caller unchanged.
 *
 * <p>A file system that cannot sync a directory at all ({@code EINVAL}) is accepted: the rename is still atomic.
 */
public final class Durable {
    /** Owner read and write only: key files, and every temporary file that gets an explicit mode later. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TEMP_SUFFIX = ".tmp";
    private static final Pattern TEMP_NAME = Pattern.compile("\\..+\\.[0-9a-f]{16}\\.tmp");
    /** Room for the random part within the 255 bytes a file name may have. */
    private static final int MAX_NAME_IN_TEMP = 120;

    /** Test seam: told of every file and directory forced to disk, in order. */
    static volatile Consumer<Path> syncObserver = p -> { };

    private Durable() {}

    /** What a streamed write puts into the file. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content to {@code out}. A failure of {@code out} is a {@link LocalFileException}; an
         * exception thrown here (including an {@link IOException} reading the source) discards the write.
         */
        void writeTo(OutputStream out) throws IOException;
    }

    // ------------------------------------------------------------------------------------------ whole files

    /** Replaces {@code target} with {@code bytes} (the file gets the usual permissions, as by the umask). */
    public static void write(Path target, byte[] bytes) {
        write(target, bytes, null);
    }

    /**
     * Replaces {@code target} with {@code bytes}; the file has exactly {@code mode} when it appears (the temporary
     * file is owner-only until then, so a private key is never readable by others, not even for a moment).
     */
    public static void write(Path target, byte[] bytes, Set<PosixFilePermission> mode) {
        try (Pending file = create(target, mode)) {
            file.write(ByteBuffer.wrap(bytes));
            file.commit();
        }
    }

    /**
     * Replaces {@code target} with what {@code content} writes; nothing appears unless it returns normally.
     *
     * @throws IOException what {@code content} threw itself (never a failure to write the file: that is a
     *                     {@link LocalFileException})
     */
    public static void write(Path target, Content content) throws IOException {
        try (Pending file = create(target, null)) {
            content.writeTo(file.stream());
            file.commit();
        }
    }

    /** A new temporary sibling of {@code target}, published by {@link Pending#commit()}. */
    public static Pending create(Path target) {
        return create(target, null);
    }

    /** As {@link #create(Path)}, the file getting exactly {@code mode} when it is published. */
    public static Pending create(Path target, Set<PosixFilePermission> mode) {
        return new Pending(target.toAbsolutePath(), mode);
    }

    /**
     * A file being written next to its target. Writes go to the temporary file; {@link #commit()} forces it to disk
     * and renames it over the target; {@link #close()} without a commit deletes it. Not thread-safe.
     */
    public static final class Pending implements AutoCloseable {
        private final Path target;
        private final Path temporary;
        private final Set<PosixFilePermission> mode;
        private final FileChannel channel;
        private final OutputStream stream;
        private boolean committed;
        private boolean closed;

        private Pending(Path target, Set<PosixFilePermission> mode) {
            this.target = target;
            this.mode = mode == null ? null : Set.copyOf(mode);
            Path directory = target.getParent();
            try {
                Files.createDirectories(directory);
                Path temp = null;
                FileChannel opened = null;
                for (int attempt = 0; opened == null; attempt++) {
                    temp = directory.resolve(temporaryName(target));
                    try {
                        opened = open(temp, mode != null);
                    } catch (java.nio.file.FileAlreadyExistsException e) {
                        if (attempt == 10) throw e;
                    }
                }
                this.temporary = temp;
                this.channel = opened;
            } catch (IOException e) {
                throw new LocalFileException("cannot write " + target, e);
            }
            this.stream = new OutputStream() {
                @Override
                public void write(int b) {
                    Pending.this.write(ByteBuffer.wrap(new byte[] {(byte) b}));
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    Pending.this.write(ByteBuffer.wrap(b, off, len));
                }
            };
        }

        private static FileChannel open(Path temp, boolean ownerOnly) throws IOException {
            if (ownerOnly) {
                FileAttribute<Set<PosixFilePermission>> attribute = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
                try {
                    return FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            attribute);
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: it has no modes to keep others out with
                }
            }
            return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        /** Writes all of {@code bytes}. */
        public void write(ByteBuffer bytes) {
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                throw new LocalFileException("cannot write " + target, e);
            }
        }

        /** The file as a stream (unbuffered: give it large writes, or wrap it in a buffer). */
        public OutputStream stream() {
            return stream;
        }

        /** Forces the content (and the mode) to disk, renames it over the target and syncs the directory. */
        public void commit() {
            if (committed || closed) throw new IllegalStateException("already committed or closed: " + target);
            try {
                if (mode != null) {
                    setMode(temporary, mode);
                }
                channel.force(true);
                observeSync(temporary);
                channel.close();
                replace(temporary, target);
                committed = true;
            } catch (IOException e) {
                throw new LocalFileException("cannot write " + target, e);
            } finally {
                if (!committed) close();
            }
        }

        /** Deletes the temporary file unless it was committed. */
        @Override
        public void close() {
            if (committed || closed) return;
            closed = true;
            try {
                channel.close();
            } catch (IOException e) {
                // the file is deleted next: nothing written to it matters
            }
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                // a leftover temporary file is named as such (see removeTemporaries) and ignored by readers
            }
        }
    }

    // ------------------------------------------------------------------------------------------ complete files

    /**
     * Publishes a complete file as {@code target}: forces it to disk, renames it over {@code target} (in one atomic
     * step when both are on one file system, otherwise through a synced copy next to the target) and syncs the
     * target's directory (made if missing). {@code source} is gone afterwards.
     */
    public static void move(Path source, Path target) {
        move(source, target, null);
    }

    /** As {@link #move(Path, Path)}, the file getting exactly {@code mode} before it appears as {@code target}. */
    public static void move(Path source, Path target, Set<PosixFilePermission> mode) {
        // Opened before the mode changes: a mode without read permission must not keep us from syncing or copying.
        try (FileChannel channel = FileChannel.open(source, StandardOpenOption.READ)) {
            if (mode != null) {
                setMode(source, mode);
            }
            channel.force(true);
            observeSync(source);
            Files.createDirectories(target.toAbsolutePath().getParent());
            try {
                replace(source, target);
            } catch (AtomicMoveNotSupportedException otherFileSystem) {
                try (Pending copy = create(target, mode)) {
                    channel.position(0);
                    Channels.newInputStream(channel).transferTo(copy.stream()); // closed with the channel
                    copy.commit();
                }
                Files.delete(source);
            }
        } catch (IOException e) {
            throw new LocalFileException("cannot write " + target, e);
        }
    }

    /**
     * Renames any entry (a file, a directory, a symbolic link) in one atomic step, replacing what {@code to} was,
     * then syncs the directories involved. Both must be on one file system: there is no copying fallback.
     */
    public static void rename(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            Path fromDir = from.toAbsolutePath().getParent();
            Path toDir = to.toAbsolutePath().getParent();
            syncDirectory(toDir);
            if (!fromDir.equals(toDir)) {
                syncDirectory(fromDir);
            }
        } catch (IOException e) {
            throw new LocalFileException("cannot rename " + from + " to " + to, e);
        }
    }

    private static void replace(Path temporary, Path target) throws IOException {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.toAbsolutePath().getParent());
    }

    // ------------------------------------------------------------------------------------------ syncing

    /** Forces a file's content and metadata to disk. */
    public static void syncFile(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
            observeSync(file);
        } catch (IOException e) {
            throw new LocalFileException("cannot sync " + file, e);
        }
    }

    /** Forces an open file to disk: for a writer that keeps its own channel (a resumable download, a copy). */
    public static void sync(FileChannel channel, Path file) {
        try {
            channel.force(true);
            observeSync(file);
        } catch (IOException e) {
            throw new LocalFileException("cannot write " + file, e);
        }
    }

    /**
     * Forces a directory's entries to disk, so that a rename, creation or deletion in it survives a power cut. A
     * file system that cannot sync directories at all is accepted.
     */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
            observeSync(dir);
        } catch (IOException e) {
            if (!"Invalid argument".equals(e.getMessage())) {
                throw new LocalFileException("cannot sync directory " + dir, e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ logs

    /**
     * Appends one line in one write ({@code sync}: and forces it to disk). A line torn by a crash is ended by
     * {@link #terminateTornLine}.
     */
    public static void appendLine(Path file, String line, boolean sync) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (sync) {
                channel.force(true);
                observeSync(file);
            }
        } catch (IOException e) {
            throw new LocalFileException("cannot append to " + file, e);
        }
    }

    /** A crash can leave half a line at the end of a log: ends it, so the next line starts on its own. */
    public static void terminateTornLine(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) == 0) {
                return;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer last = ByteBuffer.allocate(1);
                channel.read(last, channel.size() - 1);
                if (last.get(0) != '\n') {
                    channel.write(ByteBuffer.wrap(new byte[] {'\n'}), channel.size());
                    channel.force(true);
                    observeSync(file);
                }
            }
        } catch (IOException e) {
            throw new LocalFileException("cannot write " + file, e);
        }
    }

    // ------------------------------------------------------------------------------------------ temporaries

    /** Whether {@code file} is named like the temporary files of this class. */
    public static boolean isTemporary(Path file) {
        return TEMP_NAME.matcher(file.getFileName().toString()).matches();
    }

    /**
     * Deletes the temporary files a crash left in {@code dir}. Only for a directory that the caller has to itself
     * (e.g. under a lock): another writer's temporary file would go too.
     */
    public static void removeTemporaries(Path dir) {
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Durable::isTemporary)) {
            for (Path p : entries) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new LocalFileException("cannot clean up " + dir, e);
        }
    }

    private static String temporaryName(Path target) {
        String name = target.getFileName().toString();
        if (name.length() > MAX_NAME_IN_TEMP) {
            name = name.substring(0, MAX_NAME_IN_TEMP);
        }
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return "." + name + "." + HexFormat.of().formatHex(random) + TEMP_SUFFIX;
    }

    private static void setMode(Path file, Set<PosixFilePermission> mode) throws IOException {
        try {
            Files.setPosixFilePermissions(file, mode);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: it has no modes
        }
    }

    private static void observeSync(Path path) {
        Objects.requireNonNull(syncObserver).accept(path);
    }
}
