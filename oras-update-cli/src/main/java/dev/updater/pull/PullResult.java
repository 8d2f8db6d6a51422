package dev.updater.pull;

import dev.updater.schema.Digest;
import dev.updater.schema.SemVer;
import java.nio.file.Path;

/** What a pull wrote: which release and target, the verified payload digest, and how many bytes crossed the wire. */
public record PullResult(Digest releaseDigest, String product, SemVer version, String target, Digest payloadDigest,
        long payloadSize, long bytesDownloaded, Path output) {}
