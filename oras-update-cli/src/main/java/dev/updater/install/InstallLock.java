package dev.updater.install;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The exclusive lock on {@code .updater/lock} that makes one updater the only one working on an install root. It is
 * an fcntl lock on the open file, so the kernel releases it when the process dies (kill -9 included); the file holds
 * the holder's pid, for the message another updater shows while it waits.
 */
final class InstallLock implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private InstallLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Waits up to {@code timeout} for the lock. {@link InstallStateException} when another updater (another process,
     * or another {@link Installer} in this JVM) keeps it that long.
     */
    static InstallLock acquire(InstallLayout layout, Duration timeout) throws IOException {
        FileChannel channel = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            return new InstallLock(channel, waitFor(layout, channel, timeout));
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static FileLock waitFor(InstallLayout layout, FileChannel channel, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another Installer in this JVM
            }
            if (lock != null) {
                byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(pid), 0);
                return lock;
            }
            if (System.nanoTime() >= deadline) {
                String holder = new String(Files.readAllBytes(layout.lockFile()), StandardCharsets.US_ASCII).strip();
                throw new InstallStateException("install root " + layout.root() + " is in use by another updater"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; waited " + timeout.toMillis()
                        + " ms. Try again when it has finished");
            }
            sleep(POLL);
        }
    }

    @Override
    public void close() {
        if (released) return;
        released = true;
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    /** Waits {@code d}; an interrupt ends the wait as an {@link InstallStateException}. */
    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstallStateException("interrupted while waiting; nothing was changed by the wait");
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
