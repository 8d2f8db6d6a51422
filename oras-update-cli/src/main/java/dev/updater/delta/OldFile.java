package dev.updater.delta;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The source file of an apply, read by position: only a buffer's worth of it is ever in memory. */
final class OldFile implements AutoCloseable {
    private final FileChannel channel;
    private final long size;

    OldFile(Path path) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
    }

    long size() {
        return size;
    }

    /** Reads exactly {@code length} bytes at {@code position}, which the caller checked lie inside the file. */
    void read(long position, byte[] into, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into, offset, length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position() - offset);
            if (n < 0) {
                throw new IOException("source file shrank while a patch was applied to it");
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
