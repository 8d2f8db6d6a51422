package dev.updater.install;

import java.io.PrintStream;

/**
 * Test-only pause points for the crash campaign. With the system property {@code dev.updater.install.crashAt} set
 * to a point name (e.g. {@code journal:switching}) or to {@code STREAM@OFFSET} (e.g. {@code apply@4096}) the process
 * prints {@code CRASHPOINT <name>} on stdout and sleeps until it is killed. Unset (always, outside tests) every
 * call is a comparison with an empty string.
 */
final class CrashHooks {
    static final String PROPERTY = "dev.updater.install.crashAt";
    private static final String SPEC = System.getProperty(PROPERTY, "");

    private CrashHooks() {}

    static void point(String name) {
        if (!SPEC.isEmpty() && SPEC.equals(name)) {
            pause(name);
        }
    }

    /**
     * How many of {@code wanted} bytes a writer at {@code position} of {@code stream} may write now, so that it stops
     * exactly at the configured offset; pauses when it is there.
     */
    static int limit(String stream, long position, int wanted) {
        if (SPEC.isEmpty() || !SPEC.startsWith(stream + "@")) {
            return wanted;
        }
        long offset = Long.parseLong(SPEC.substring(stream.length() + 1));
        if (position == offset) {
            pause(SPEC);
        }
        return position < offset ? (int) Math.min(wanted, offset - position) : wanted;
    }

    /**
     * For a step that writes {@code stream} in one atomic action (a rename) rather than byte by byte: every offset of
     * that stream is this one instant, just before it.
     */
    static void atomicStep(String stream) {
        if (!SPEC.isEmpty() && SPEC.startsWith(stream + "@")) {
            pause(SPEC);
        }
    }

    private static void pause(String name) {
        PrintStream out = System.out;
        out.println("CRASHPOINT " + name);
        out.flush();
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
