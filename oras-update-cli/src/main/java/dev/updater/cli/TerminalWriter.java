package dev.updater.cli;

import dev.updater.schema.UntrustedText;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * The last line of defence on standard output and standard error: whatever a command prints, no control or bidi
 * character reaches the terminal except the ones this stream is for ({@code \n}, and {@code \r} for the progress
 * bar on stderr). Values from outside are escaped where messages are built ({@link UntrustedText}); this catches one
 * that was missed, so a hostile string can at worst look odd, never clear the screen or forge a line.
 */
final class TerminalWriter extends FilterWriter {
    private final String allowed;

    TerminalWriter(Writer out, String allowed) {
        super(out);
        this.allowed = allowed;
    }

    @Override
    public void write(int c) throws IOException {
        // Surrogate halves pass: a pair may arrive split over two writes, and alone neither moves the cursor.
        if (Character.isSurrogate((char) c) || allowed.indexOf(c) >= 0 || !UntrustedText.isUnsafe((char) c)) {
            out.write(c);
        } else {
            out.write(UntrustedText.escapeAll(String.valueOf((char) c)));
        }
    }

    @Override
    public void write(char[] buffer, int offset, int length) throws IOException {
        write(new String(buffer, offset, length), 0, length);
    }

    @Override
    public void write(String text, int offset, int length) throws IOException {
        int end = offset + length;
        int clean = offset;
        for (int i = offset; i < end; i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c) && allowed.indexOf(c) < 0 && UntrustedText.isUnsafe(c)) {
                out.write(text, clean, i - clean);
                write(c);
                clean = i + 1;
            }
        }
        out.write(text, clean, end - clean);
    }
}
