package dev.updater.registry.io;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The writer {@link DurableTest} kills: replaces {@code args[0]} over and over with 4 MiB of one letter, the next
 * letter each time, and says "WRITING" once it has started, so the test can kill it in the middle of a write.
 */
public final class DurableWriterChild {
    static final int SIZE = 4 * 1024 * 1024;

    private DurableWriterChild() {}

    public static void main(String[] args) {
        Path target = Path.of(args[0]);
        byte[] content = new byte[SIZE];
        for (int i = 0; ; i++) {
            Arrays.fill(content, (byte) ('a' + i % 26));
            Durable.write(target, content);
            if (i == 0) {
                System.out.println("WRITING");
                System.out.flush();
            }
        }
    }
}
