package dev.updater.cli;

import dev.updater.delta.DeltaEngine;
import dev.updater.delta.PatchCompression;
import dev.updater.delta.PatchFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "diff",
        mixinStandardHelpOptions = true,
        description = {
            "Make a binary patch that turns OLD into NEW.",
            "",
            "The default format (updater) carries both files' sizes and SHA-256 digests and is applied by "
                    + "'update patch' reading it once, front to back, in a few MiB of memory. The bsdiff40 format "
                    + "is the classic bsdiff 4 format, for the bspatch tool found on most systems.",
            "",
            "Memory: OLD and NEW, an index of OLD (about OLD's size; twice that while it is built) and the "
                    + "compressor's tables (two 4 MiB blocks at a time, up to 92 MiB). Set -Xmx through "
                    + "UPDATE_JAVA_OPTS.",
            ""},
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  update diff app-1.4.1 app-1.4.2 app-1.4.1-to-1.4.2.patch",
            "  update diff app-1.4.1 app-1.4.2 app.bsdiff --format bsdiff40 && bspatch app-1.4.1 out app.bsdiff"})
final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "The file a device already has.")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "NEW", description = "The file the device should end up with.")
    Path newFile;

    @Parameters(index = "2", paramLabel = "PATCH", description = "Where to write the patch (replaced if present).")
    Path patchFile;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "updater",
            description = "updater (default) or bsdiff40.")
    String format;

    @Mixin
    OutputOptions output;

    @Option(names = "--compression", paramLabel = "C", defaultValue = "auto",
            description = "Body compression of an updater patch: auto (default: xz if NEW is under 3 MiB, where it "
                    + "is smaller and still quick to apply; zstd from there), zstd (applies about twenty times "
                    + "faster) or xz (2-9%% smaller, slow to apply).")
    String compression;

    @Override
    public Integer call() throws IOException {
        PatchFormat patchFormat = switch (format.toLowerCase(Locale.ROOT)) {
            case "updater" -> PatchFormat.UPDATER;
            case "bsdiff40", "bsdiff" -> PatchFormat.BSDIFF40;
            default -> throw new UsageException("unknown patch format '" + format + "': use updater or bsdiff40");
        };
        requireFile(oldFile, "OLD");
        requireFile(newFile, "NEW");
        PatchCompression bodyCompression;
        try {
            bodyCompression = "auto".equalsIgnoreCase(compression)
                    ? PatchCompression.forTarget(Files.size(newFile)) : PatchCompression.fromId(compression);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + " or auto");
        }
        if (patchFormat != PatchFormat.UPDATER && spec.commandLine().getParseResult().hasMatchedOption("--compression")) {
            throw new UsageException("--compression applies to the updater format; bsdiff40 is always bzip2");
        }
        long started = System.nanoTime();
        DeltaEngine.diff(oldFile, newFile, patchFile, patchFormat, bodyCompression);
        long patchSize = Files.size(patchFile);
        long newSize = Files.size(newFile);
        double seconds = (System.nanoTime() - started) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        output.say(out, String.format(Locale.ROOT, "%s: %d bytes (%.1f%% of %s's %d bytes), %s format%s, made in %.1f s",
                patchFile, patchSize, newSize == 0 ? 0.0 : 100.0 * patchSize / newSize, newFile, newSize,
                patchFormat.name().toLowerCase(Locale.ROOT),
                patchFormat == PatchFormat.UPDATER ? " (" + bodyCompression.id() + ")" : "", seconds));
        com.fasterxml.jackson.databind.node.ObjectNode n = dev.updater.schema.Json.object();
        n.put("patch", patchFile.toAbsolutePath().toString());
        n.put("format", patchFormat.name().toLowerCase(Locale.ROOT));
        if (patchFormat == PatchFormat.UPDATER) n.put("compression", bodyCompression.id());
        n.put("patchSize", patchSize);
        n.put("oldSize", Files.size(oldFile));
        n.put("newSize", newSize);
        n.put("seconds", Math.round(seconds * 1000) / 1000.0);
        output.result(out, n);
        return ExitCode.OK;
    }

    static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(what + " file " + file + " does not exist or is not a regular file");
        }
    }
}
