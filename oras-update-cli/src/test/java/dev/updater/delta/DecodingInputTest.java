package dev.updater.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DecodingInputTest {
    private static byte[] data() {
        byte[] data = new byte[(1 << 16) * 11 + 321];
        new Random(3).nextBytes(data);
        return data;
    }

    @Test
    void readsTheSourceBytesInOrderThenTheEnd() throws IOException {
        byte[] data = data();
        Random sizes = new Random(5);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (InputStream in = new DecodingInput(new ByteArrayInputStream(data))) {
            byte[] buffer = new byte[100_000];
            while (true) {
                if (sizes.nextInt(4) == 0) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    read.write(b);
                } else {
                    int n = in.read(buffer, 0, 1 + sizes.nextInt(buffer.length));
                    if (n < 0) {
                        break;
                    }
                    read.write(buffer, 0, n);
                }
            }
            assertEquals(-1, in.read());
        }
        assertArrayEquals(data, read.toByteArray());
    }

    @Test
    void whatTheSourceThrowsIsRethrownAfterTheBytesBeforeIt() throws IOException {
        byte[] data = data();
        InputStream failing = new InputStream() {
            private final InputStream in = new ByteArrayInputStream(data);

            @Override
            public int read() throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n < 0) {
                    throw new PatchException("patch is corrupt: test");
                }
                return n;
            }
        };
        try (InputStream in = new DecodingInput(failing)) {
            assertEquals(data.length, in.readNBytes(data.length).length);
            PatchException e = assertThrows(PatchException.class, in::read);
            assertEquals("patch is corrupt: test", e.getMessage());
        }
    }

    @Test
    void closingBeforeTheEndStopsTheDecoderAndClosesTheSource() {
        boolean[] sourceClosed = new boolean[1];
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 7;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 7);
                return len;
            }

            @Override
            public void close() {
                sourceClosed[0] = true;
            }
        };
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (InputStream in = new DecodingInput(endless)) {
                assertEquals(7, in.read());
            }
        });
        assertTrue(sourceClosed[0]);
    }
}
