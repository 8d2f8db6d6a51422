package dev.updater.delta;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The source file of an apply, memory-mapped: the source digest's thread and the applier's reads by position share
 * the same pages, so the file is read from disk once, and a read is one copy with no system call (with positional
 * reads, each of the tens of thousands of steps of a large patch cost a system call and a second copy through a
 * native buffer). Mapped pages are file cache, not heap: {@code -Xmx32m} applies to any size.
 */
final class OldFile implements AutoCloseable {
    /** Bytes per mapping: a mapping is indexed by int. */
    private static final long REGION = 1L << 30;

    private final FileChannel channel;
    private final long size;
    private final MappedByteBuffer[] regions;

    OldFile(Path path) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            this.size = channel.size();
            this.regions = new MappedByteBuffer[(int) ((size + REGION - 1) / REGION)];
            for (int i = 0; i < regions.length; i++) {
                long start = i * REGION;
                regions[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(REGION, size - start));
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    long size() {
        return size;
    }

    /** Reads exactly {@code length} bytes at {@code position}, which the caller checked lie inside the file. */
    void read(long position, byte[] into, int offset, int length) throws IOException {
        try {
            while (length > 0) {
                int region = (int) (position / REGION);
                int at = (int) (position % REGION);
                int n = (int) Math.min(length, REGION - at);
                regions[region].get(at, into, offset, n);
                position += n;
                offset += n;
                length -= n;
            }
        } catch (InternalError | IndexOutOfBoundsException e) {
            // What a mapped read of a file truncated under it throws (the JDK turns the SIGBUS into an error).
            throw new IOException("source file shrank while a patch was applied to it", e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
