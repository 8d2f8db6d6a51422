package dev.updater.registry.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class OneReadPathStreamTest {
    /** Counts what passes its bulk read, as the guards and the digest check do. */
    private static final class Counting extends OneReadPathStream {
        long counted;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) counted += n;
            return n;
        }
    }

    @Test
    void singleByteReadsAndSkipsPassTheBulkRead() throws IOException {
        byte[] data = new byte[20_000];
        data[0] = (byte) 0xfe;
        try (Counting in = new Counting(new ByteArrayInputStream(data))) {
            assertEquals(0xfe, in.read());
            assertEquals(19_000, in.skip(19_000));
            assertEquals(19_001, in.counted, "skipped bytes are counted like read ones");
            assertEquals(999, in.skip(5_000), "a skip stops at the end");
            assertEquals(-1, in.read());
            assertEquals(20_000, in.counted);
        }
    }

    @Test
    void markAndResetAreRefused() throws IOException {
        try (Counting in = new Counting(new ByteArrayInputStream(new byte[10]))) {
            assertFalse(in.markSupported());
            in.mark(5);
            in.read(new byte[4], 0, 4);
            assertThrows(IOException.class, in::reset, "bytes read again would pass the checks twice");
            assertEquals(4, in.counted);
        }
    }
}
