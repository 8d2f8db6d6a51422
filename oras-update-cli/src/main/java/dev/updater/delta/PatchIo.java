package dev.updater.delta;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Varints and exact reads shared by the writers and appliers. */
final class PatchIo {
    private PatchIo() {}

    static void writeVarint(OutputStream out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    /** A signed value as a zigzag varint: small magnitudes of either sign take one byte. */
    static void writeSignedVarint(OutputStream out, long value) throws IOException {
        writeVarint(out, (value << 1) ^ (value >> 63));
    }

    /** A value written by {@link #writeSignedVarint}: at most 63 bits of magnitude and sign. */
    static long readSignedVarint(InputStream in, String what) throws IOException {
        long zigzag = readVarint(in, what);
        return (zigzag >>> 1) ^ -(zigzag & 1);
    }

    /** A non-negative varint of at most 9 bytes (63 bits); anything longer is corruption. */
    static long readVarint(InputStream in, String what) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new PatchException("patch ends in the middle of " + what + " (truncated download?)");
            }
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (value < 0) {
                    break;
                }
                return value;
            }
        }
        throw new PatchException("patch has a malformed number in " + what);
    }

    static void readFully(InputStream in, byte[] buffer, int offset, int length, String what) throws IOException {
        while (length > 0) {
            int n = in.read(buffer, offset, length);
            if (n < 0) {
                throw new PatchException("patch ends in the middle of " + what + " (truncated download?)");
            }
            offset += n;
            length -= n;
        }
    }

    static void writeLongBigEndian(byte[] to, int at, long value) {
        for (int i = 7; i >= 0; i--) {
            to[at + i] = (byte) value;
            value >>>= 8;
        }
    }

    static long readLongBigEndian(byte[] from, int at) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (from[at + i] & 0xff);
        }
        return value;
    }

    /** bsdiff's integer encoding: 8 bytes little-endian magnitude, sign in the top bit of the last byte. */
    static void writeBsdiffLong(byte[] to, int at, long value) {
        long magnitude = Math.abs(value);
        for (int i = 0; i < 8; i++) {
            to[at + i] = (byte) (magnitude >>> (8 * i));
        }
        if (value < 0) {
            to[at + 7] |= (byte) 0x80;
        }
    }

    static long readBsdiffLong(byte[] from, int at) {
        long magnitude = 0;
        for (int i = 7; i >= 0; i--) {
            magnitude = (magnitude << 8) | (from[at + i] & (i == 7 ? 0x7F : 0xFF));
        }
        return (from[at + 7] & 0x80) != 0 ? -magnitude : magnitude;
    }

    static void skipToEnd(InputStream in) throws IOException {
        if (in.read() >= 0) {
            throw new PatchException("patch has unexpected bytes after its end");
        }
    }
}
