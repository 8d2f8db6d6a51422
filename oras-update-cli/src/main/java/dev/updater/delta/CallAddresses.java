package dev.updater.delta;

import java.io.IOException;
import java.io.InputStream;

/**
 * Version 2's filter of literal bytes ({@link UpdaterFormat#LITERALS_CALLS_ABSOLUTE}): in new code that did not
 * match the source, each x86 {@code call rel32} (opcode {@code E8} and a displacement within +-16 MiB, whose top
 * byte is {@code 00} or {@code FF}) gets its displacement replaced by the target address, taken from the target
 * file's position modulo 2^25, as xz's x86 BCJ filter does. Calls to one function from many places then carry
 * the same four bytes, which zstd matches: the literals of esbuild 0.20.0 to 0.24.2 (6.7 MB of new code) compress
 * 4.8% smaller, biome 1.9's 7.8% smaller. The conversion keeps the top byte {@code 00}/{@code FF}, so the reverse
 * finds exactly the converted calls again; it is a bijection on any bytes, so non-x86 literals survive it, and the
 * writer keeps it only for segments it makes smaller ({@link SegmentLiterals}).
 *
 * <p>A step's literals are filtered on their own, from their first byte, with positions in the target file.
 */
final class CallAddresses {
    private static final byte CALL = (byte) 0xE8;
    /** The opcode and its four displacement bytes. */
    static final int INSTRUCTION = 5;

    private CallAddresses() {}

    /** Converts {@code bytes[offset, offset + length)}, the target's bytes from {@code position}, in place. */
    static void encode(byte[] bytes, int offset, int length, long position) {
        convert(bytes, offset, length, length, position, true);
    }

    /**
     * Converts the calls that start before {@code starts} (reading up to {@code length}) and returns where the
     * conversion stopped: the bytes before it are converted for good, and a conversion of the bytes that follow
     * starts there, as the conversion of the whole would.
     */
    static int encodeStarting(byte[] bytes, int offset, int starts, int length, long position) {
        return convert(bytes, offset, starts, length, position, true);
    }

    /**
     * Source bytes a windowed conversion ({@link #encodeWindow}) converts at a time; a window buffer holds
     * {@link #WINDOW_BYTES}, so that a call starting before the window's end is converted whole.
     */
    static final int WINDOW = 1 << 16;
    static final int WINDOW_BYTES = WINDOW + INSTRUCTION - 1;

    /** How many of {@code remaining} source bytes the next window reads. */
    static int windowLength(int remaining) {
        return Math.min(remaining, WINDOW_BYTES);
    }

    /**
     * Converts one window of a longer run, {@code window[0, look)} read from source position {@code position}
     * ({@code look} from {@link #windowLength}), and returns how many of its leading bytes are converted for good:
     * the next window starts there, as the conversion of the whole run would. The last window ({@code look ==
     * remaining}) is final whole.
     */
    static int encodeWindow(byte[] window, int look, int remaining, long position) {
        boolean last = look == remaining;
        int end = encodeStarting(window, 0, last ? look : WINDOW, look, position);
        return last ? look : end;
    }

    /**
     * Converts back the calls that lie wholly within {@code bytes[offset, offset + length)} and returns how many
     * leading bytes are final: at most {@link #INSTRUCTION} - 1 trailing bytes may start a call whose displacement
     * continues in the bytes that follow.
     */
    static int decode(byte[] bytes, int offset, int length, long position) {
        return convert(bytes, offset, length, length, position, false);
    }

    private static int convert(byte[] bytes, int offset, int starts, int length, long position, boolean encode) {
        // Calls start before end: before starts, and with their four displacement bytes within length.
        int end = offset + Math.min(starts, length - INSTRUCTION + 1);
        int nextFromAt = (int) position - offset + INSTRUCTION; // a call at bytes[at] ends at target nextFromAt + at
        int at = offset;
        while (true) {
            // Most bytes are not E8: four at a time, then one at a time (C1, which applies patches, does not
            // unroll; measured on esbuild 0.24.0, 10 MB: 12.5 ms a pass one by one, 6.2 ms four by four).
            while (at + 3 < end && bytes[at] != CALL && bytes[at + 1] != CALL && bytes[at + 2] != CALL
                    && bytes[at + 3] != CALL) {
                at += 4;
            }
            while (at < end && bytes[at] != CALL) {
                at++;
            }
            if (at >= end) {
                return at - offset;
            }
            // An E8 always takes its four bytes along, converted or not: no other conversion may then change the
            // top byte a decision read (one at at + 3 would, in its first displacement byte).
            int top = bytes[at + 4];
            if (top == 0 || top == -1) {
                int displacement = (bytes[at + 1] & 0xff) | (bytes[at + 2] & 0xff) << 8
                        | (bytes[at + 3] & 0xff) << 16 | top << 24;
                int next = nextFromAt + at;
                int converted = encode ? displacement + next : displacement - next;
                converted = (converted << 7) >> 7; // modulo 2^25, sign-extended: the top byte stays 00 or FF
                bytes[at + 1] = (byte) converted;
                bytes[at + 2] = (byte) (converted >>> 8);
                bytes[at + 3] = (byte) (converted >>> 16);
                bytes[at + 4] = (byte) (converted >>> 24);
            }
            at += INSTRUCTION;
        }
    }

    /** Reads a step's filtered literals, {@code length} bytes from target position {@code position}, into out. */
    static void copyDecoded(InputStream body, long length, OutputFile out, byte[] chunk) throws IOException {
        long position = out.written();
        long done = 0;
        int held = 0;
        while (done < length) {
            int want = (int) Math.min(chunk.length - held, length - done - held);
            PatchIo.readFully(body, chunk, held, want, "literal bytes");
            int filled = held + want;
            boolean last = done + filled == length;
            int decoded = decode(chunk, 0, filled, position + done);
            int emit = last ? filled : decoded;
            out.write(chunk, 0, emit);
            held = filled - emit;
            System.arraycopy(chunk, emit, chunk, 0, held);
            done += emit;
        }
    }
}
