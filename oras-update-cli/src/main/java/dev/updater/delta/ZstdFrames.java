package dev.updater.delta;

import java.io.IOException;
import java.io.InputStream;

/**
 * The compressed body of a zstd patch (compression 1) as it reaches the decoder: the same bytes, but each frame
 * header and block header is read and checked here before the decoder sees any of it (RFC 8878, sections 3.1.1 and
 * 3.1.1.2). A frame must be a plain zstd frame without a dictionary whose window (or single-segment content) fits
 * {@link UpdaterFormat#ZSTD_WINDOW_LIMIT}, and every block must fit zstd's 128 KiB block limit. So a hostile header
 * claiming a gigabyte window is a {@link PatchException}, not an allocation, whichever decoder follows (the native
 * one or the pure-Java one, which has no limit of its own), and a body cut short anywhere says so.
 */
final class ZstdFrames extends InputStream {
    private static final int MAGIC = 0xFD2FB528;
    private static final int MAX_BLOCK = 128 << 10;
    private static final int BLOCK_RAW = 0;
    private static final int BLOCK_RLE = 1;
    private static final int BLOCK_RESERVED = 3;

    private enum Next { FRAME, BLOCK, CHECKSUM }

    private final InputStream in;
    private final long windowLimit;
    /** Checked header bytes not yet handed to the decoder (at most a frame header: 18 bytes). */
    private final byte[] header = new byte[18];
    private int headerLength;
    private int headerPosition;
    /** Bytes of the current block's content still to pass through unchanged. */
    private long blockRemaining;
    private Next next = Next.FRAME;
    private boolean checksum;
    private final byte[] single = new byte[1];

    ZstdFrames(InputStream in) {
        this(in, UpdaterFormat.ZSTD_WINDOW_LIMIT);
    }

    ZstdFrames(InputStream in, long windowLimit) {
        this.in = in;
        this.windowLimit = windowLimit;
    }

    @Override
    public int read() throws IOException {
        return read(single, 0, 1) < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (true) {
            if (headerPosition < headerLength) {
                int n = Math.min(length, headerLength - headerPosition);
                System.arraycopy(header, headerPosition, into, offset, n);
                headerPosition += n;
                return n;
            }
            if (blockRemaining > 0) {
                int n = in.read(into, offset, (int) Math.min(length, blockRemaining));
                if (n < 0) {
                    throw truncated();
                }
                blockRemaining -= n;
                return n;
            }
            if (!readNextHeader()) {
                return -1;
            }
        }
    }

    /** Reads and checks the next frame header, block header or checksum; false at the end of the body. */
    private boolean readNextHeader() throws IOException {
        headerPosition = 0;
        switch (next) {
            case FRAME -> {
                int first = in.read();
                if (first < 0) {
                    headerLength = 0;
                    return false;
                }
                header[0] = (byte) first;
                readFrameHeader();
            }
            case BLOCK -> readBlockHeader();
            case CHECKSUM -> {
                fill(0, 4);
                headerLength = 4;
                next = Next.FRAME;
            }
        }
        return true;
    }

    private void readFrameHeader() throws IOException {
        fill(1, 4);
        int magic = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16 | (header[3] & 0xff) << 24;
        if (magic != MAGIC) {
            throw new PatchException("patch body is not a sequence of zstd frames (bad frame magic)");
        }
        int descriptor = header[4] & 0xff;
        int contentSizeFlag = descriptor >>> 6;
        boolean singleSegment = (descriptor & 0x20) != 0;
        if ((descriptor & 0x08) != 0) {
            throw new PatchException("patch body has a zstd frame header with its reserved bit set");
        }
        if ((descriptor & 0x03) != 0) {
            throw new PatchException("patch body asks for a zstd dictionary; patch bodies use none");
        }
        checksum = (descriptor & 0x04) != 0;
        int length = 5;
        long window = -1;
        if (!singleSegment) {
            fill(length, 1);
            int w = header[length++] & 0xff;
            long base = 1L << (10 + (w >>> 3));
            window = base + (base >>> 3) * (w & 7);
        }
        int contentSizeBytes = switch (contentSizeFlag) {
            case 0 -> singleSegment ? 1 : 0;
            case 1 -> 2;
            case 2 -> 4;
            default -> 8;
        };
        fill(length, contentSizeBytes);
        long contentSize = 0;
        for (int i = contentSizeBytes - 1; i >= 0; i--) {
            contentSize = contentSize << 8 | (header[length + i] & 0xff);
        }
        if (contentSizeBytes == 2) {
            contentSize += 256;
        }
        length += contentSizeBytes;
        if (singleSegment) {
            window = contentSize;
        }
        if (window < 0 || window > windowLimit) {
            throw new PatchException("patch body has a zstd frame that needs a " + Long.toUnsignedString(window)
                    + "-byte window, more than the limit of " + windowLimit + " bytes");
        }
        headerLength = length;
        next = Next.BLOCK;
    }

    private void readBlockHeader() throws IOException {
        fill(0, 3);
        headerLength = 3;
        int value = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        boolean last = (value & 1) != 0;
        int type = (value >>> 1) & 3;
        int size = value >>> 3;
        if (type == BLOCK_RESERVED) {
            throw new PatchException("patch body has a zstd block of the reserved type");
        }
        if (size > MAX_BLOCK) {
            throw new PatchException("patch body has a zstd block of " + size + " bytes, more than zstd's limit of "
                    + MAX_BLOCK);
        }
        blockRemaining = type == BLOCK_RLE ? 1 : size;
        if (type != BLOCK_RAW && type != BLOCK_RLE && size == 0) {
            throw new PatchException("patch body has an empty compressed zstd block");
        }
        next = !last ? Next.BLOCK : checksum ? Next.CHECKSUM : Next.FRAME;
    }

    private void fill(int at, int length) throws IOException {
        while (length > 0) {
            int n = in.read(header, at, length);
            if (n < 0) {
                throw truncated();
            }
            at += n;
            length -= n;
        }
    }

    private static PatchException truncated() {
        return new PatchException("patch ends in the middle of a zstd frame (truncated download?)");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
