package dev.updater.cli;

import dev.updater.delta.DeltaEngine;
import dev.updater.delta.PatchFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "patch",
        mixinStandardHelpOptions = true,
        description = {
            "Apply a binary patch made by 'update diff' (or by bsdiff) to OLD, writing NEW.",
            "",
            "The format is recognised from the patch's first bytes. An updater patch carries OLD's and NEW's "
                    + "SHA-256: OLD is hashed while the patch is applied, and NEW is written only if both match; a "
                    + "bsdiff40 patch carries no digests, so check the result yourself.",
            "",
            "NEW appears complete or not at all: a truncated, corrupt or mismatched patch exits with code 4 and "
                    + "leaves nothing behind. Memory stays at a few MiB whatever the file sizes.",
            ""},
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  update patch app-1.4.1 app-1.4.1-to-1.4.2.patch app-1.4.2",
            "  update patch app-1.4.1 made-by-bsdiff.patch app-1.4.2 && sha256sum app-1.4.2"})
final class PatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "The file the patch was made from.")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "PATCH", description = "The patch (updater or bsdiff40 format).")
    Path patchFile;

    @Parameters(index = "2", paramLabel = "NEW", description = "Where to write the patched file (replaced if present).")
    Path newFile;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws IOException {
        DiffCommand.requireFile(oldFile, "OLD");
        DiffCommand.requireFile(patchFile, "PATCH");
        Path outputDirectory = newFile.toAbsolutePath().getParent();
        if (outputDirectory == null || !Files.isDirectory(outputDirectory)) {
            throw new UsageException("NEW " + newFile + ": its directory does not exist");
        }
        PatchFormat format = DeltaEngine.detectFormat(patchFile);
        long started = System.nanoTime();
        try (InputStream in = Files.newInputStream(patchFile)) {
            DeltaEngine.apply(oldFile, in, format, newFile);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        var out = spec.commandLine().getOut();
        // Concatenation, not String.format: formatting a decimal loads the locale providers, 15 ms of a device's
        // apply that nothing else in it needs.
        String formatName = format.name().toLowerCase(Locale.ROOT);
        output.say(out, newFile + ": " + Files.size(newFile) + " bytes written from "
                + (format == PatchFormat.UPDATER ? "an " : "a ") + formatName + " patch in "
                + Math.round(seconds * 10) / 10.0 + " s"
                + (format == PatchFormat.UPDATER ? ", source and target SHA-256 verified" : ""));
        com.fasterxml.jackson.databind.node.ObjectNode n = dev.updater.schema.Json.object();
        n.put("output", newFile.toAbsolutePath().toString());
        n.put("format", formatName);
        n.put("size", Files.size(newFile));
        n.put("digestsVerified", format == PatchFormat.UPDATER);
        n.put("seconds", Math.round(seconds * 1000) / 1000.0);
        output.result(out, n);
        return ExitCode.OK;
    }
}
