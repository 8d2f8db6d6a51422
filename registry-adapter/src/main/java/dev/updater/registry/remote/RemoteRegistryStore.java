package dev.updater.registry.remote;

import dev.updater.schema.UntrustedText;
import dev.updater.registry.BlobSource;
import dev.updater.registry.DigestMismatchException;
import dev.updater.registry.NotFoundException;
import dev.updater.registry.MinimumThroughput;
import dev.updater.registry.RangedStream;
import dev.updater.registry.ReadTimeoutGuard;
import dev.updater.registry.RegistryNetworkException;
import dev.updater.registry.RegistryProtocolException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StallGuard;
import dev.updater.registry.TransferGuard;
import dev.updater.registry.VerifiedManifest;
import dev.updater.registry.VerifyingInputStream;
import dev.updater.schema.Digest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One repository of a registry, spoken to with the OCI distribution API. Manifests are fetched whole and hashed by
 * us (a {@code Docker-Content-Digest} header is never trusted); blobs are streamed through {@link VerifyingInputStream}.
 */
public final class RemoteRegistryStore implements ReleaseStore {
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final String MANIFEST_ACCEPT = String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);
    private final RegistryHttp http;
    private final String repository;
    private final BlobPuller blobs;
    private final BlobPusher pusher;

    public RemoteRegistryStore(RegistryHttp http, String repository, long uploadChunkSize,
            Optional<String> mountFrom) {
        this.http = http;
        this.repository = repository;
        this.blobs = new BlobPuller(http, this::uri, pullScope(), this::describe);
        this.pusher = new BlobPusher(http, repository, uploadChunkSize, mountFrom, this::describe, this::expect);
    }

    @Override
    public String describe() {
        return http.registry() + "/" + repository;
    }

    private String pullScope() {
        return "repository:" + repository + ":pull";
    }

    private String pushScope() {
        return "repository:" + repository + ":pull,push";
    }

    private URI uri(String suffix) {
        return http.uri("/v2/" + repository + "/" + suffix);
    }

    @Override
    public OciDescriptor resolve(String tagOrDigest) {
        return fetchManifest(tagOrDigest).descriptor();
    }

    @Override
    public VerifiedManifest fetchManifest(String tagOrDigest) {
        UrlConnectionTransport.Body response = http.reads().get(RegistryHttp.Request.get(
                uri("manifests/" + tagOrDigest), pullScope(), Map.of("Accept", MANIFEST_ACCEPT)),
                http.retryPolicy().budget(), BODY_STALL_MILLIS);
        int status = response.status();
        if (status == 404) {
            response.discard();
            throw new NotFoundException("no manifest '" + tagOrDigest + "' in " + describe()
                    + " (check the tag with: update versions " + describe() + ")");
        }
        if (status != 200) throw response.refusal(describe(), "GET manifest " + tagOrDigest, 200);
        OptionalLong declared = contentLength(response);
        if (declared.isPresent() && declared.getAsLong() > MAX_MANIFEST_BYTES) {
            // Refused before reading: a hostile server could otherwise hold us for megabytes it never meant to send.
            response.discard();
            throw new DigestMismatchException("manifest " + tagOrDigest + " from " + describe()
                    + " (declared larger than 4 MiB: Content-Length " + declared.getAsLong() + ")",
                    Digest.isValid(tagOrDigest) ? Digest.parse(tagOrDigest) : Digest.of(new byte[0]),
                    "an oversized document");
        }
        byte[] bytes;
        try (InputStream in = new ReadTimeoutGuard(response.stream(), BODY_STALL_MILLIS,
                MinimumThroughput.configured())) {
            bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        } catch (IOException e) {
            throw new RegistryNetworkException("reading manifest " + tagOrDigest + " from " + describe() + " failed ("
                    + TransportFailures.describe(e) + ")", e);
        }
        Digest actual = Digest.of(bytes);
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw new DigestMismatchException("manifest " + tagOrDigest + " from " + describe()
                    + " (larger than 4 MiB)", Digest.isValid(tagOrDigest) ? Digest.parse(tagOrDigest) : actual,
                    "an oversized document");
        }
        if (Digest.isValid(tagOrDigest) && !actual.equals(Digest.parse(tagOrDigest))) {
            throw new DigestMismatchException("manifest from " + describe(), Digest.parse(tagOrDigest),
                    actual.toString());
        }
        String mediaType = response.header("Content-Type").map(RemoteRegistryStore::stripParameters)
                .orElse(MediaTypes.OCI_MANIFEST);
        return new VerifiedManifest(actual, mediaType, bytes);
    }

    /** The declared length, if it is a number (one that is not is no promise; the read limit still holds). */
    private static OptionalLong contentLength(Exchange response) {
        try {
            return response.header("Content-Length").map(v -> OptionalLong.of(Long.parseLong(v.trim())))
                    .orElse(OptionalLong.empty());
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static String stripParameters(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    }

    @Override
    public InputStream openBlob(OciDescriptor blob) {
        // Small documents (update manifest, signatures, TUF metadata) are read whole by callers that know nothing of
        // networks: a broken or crawling connection is reported as the network failure it is. The body comes under
        // the stall and throughput rules already (BlobPuller).
        String what = "blob " + blob.digest() + " from " + describe();
        return new VerifyingInputStream(new NetworkStream(openBlobFrom(blob, 0).in(), what), blob.digest(),
                blob.size(), what);
    }

    @Override
    public RangedStream openBlobFrom(OciDescriptor blob, long offset) {
        return blobs.open(blob, offset, http.retryPolicy().budget());
    }

    @Override
    public RangedStream transferBlobFrom(OciDescriptor blob, long offset, TransferGuard guard) {
        return blobs.transfer(blob, offset, guard);
    }

    /**
     * One HEAD, which registries do not count as a pull: the {@code Docker-Content-Digest} header is compared by the
     * caller with a digest it verified before, so a false one costs at most a missed or an extra full check. A
     * registry that sends no such header gets the full GET.
     */
    @Override
    public Optional<Digest> probe(String tag) {
        UrlConnectionTransport.Body response = http.reads().get(new RegistryHttp.Request("HEAD",
                uri("manifests/" + tag), Map.of("Accept", MANIFEST_ACCEPT), Optional.empty(), pullScope()),
                http.retryPolicy().budget(), BODY_STALL_MILLIS);
        response.discard();
        if (response.status() == 404) return Optional.empty();
        Optional<String> claimed = response.header("Docker-Content-Digest");
        if (response.status() == 200 && claimed.isPresent() && Digest.isValid(claimed.get())) {
            return Optional.of(Digest.parse(claimed.get()));
        }
        return ReleaseStore.super.probe(tag);
    }

    @Override
    public boolean hasBlob(Digest digest) {
        UrlConnectionTransport.Body response = http.reads().get(new RegistryHttp.Request("HEAD", uri("blobs/" + digest),
                Map.of(), Optional.empty(), pullScope()), http.retryPolicy().budget(), BODY_STALL_MILLIS);
        response.discard();
        if (response.status() == 200) return true;
        if (response.status() == 404) return false;
        throw new RegistryProtocolException(describe() + " answered HTTP " + response.status() + " to HEAD blob "
                + digest);
    }

    /** Skips a blob the repository has (HEAD); otherwise {@link BlobPusher} mounts or uploads it. */
    @Override
    public void pushBlob(OciDescriptor blob, BlobSource source) {
        if (!hasBlob(blob.digest())) {
            pusher.push(blob, source);
        }
    }

    @Override
    public Digest pushManifest(byte[] bytes, String mediaType, String tagOrDigest) {
        Digest digest = Digest.of(bytes);
        HttpResponse<String> response = http.send(new RegistryHttp.Request("PUT", uri("manifests/" + tagOrDigest),
                Map.of("Content-Type", mediaType), Optional.of(() -> HttpRequest.BodyPublishers.ofByteArray(bytes)),
                pushScope()), BoundedText.handler());
        if (response.statusCode() == 400 || response.statusCode() == 404) {
            throw new RegistryProtocolException(describe() + " refused manifest " + digest + " for '" + tagOrDigest
                    + "': HTTP " + response.statusCode() + " " + abbreviate(response.body())
                    + (response.body().contains("BLOB_UNKNOWN") ? " (a blob it references is missing)" : ""));
        }
        expect(response, 201, "PUT manifest " + tagOrDigest);
        return digest;
    }

    /** All tags, page by page; see {@link TagPages} for what a hostile registry cannot make us do. */
    @Override
    public List<String> listTags() {
        return new TagPages(http, describe()).all(uri("tags/list"), pullScope(), this::expect);
    }

    /** Bodies we read whole are read under the same stall and throughput rules as blobs. */
    static InputStream guarded(InputStream body) {
        return new StallGuard(body, BODY_STALL_MILLIS);
    }

    private static final long BODY_STALL_MILLIS = 30_000;

    @Override
    public void deleteManifest(Digest digest) {
        HttpResponse<String> response = http.send(new RegistryHttp.Request("DELETE", uri("manifests/" + digest),
                Map.of(), Optional.empty(), "repository:" + repository + ":delete"),
                BoundedText.handler());
        if (response.statusCode() == 404) {
            throw new NotFoundException("no manifest " + digest + " in " + describe());
        }
        expect(response, 202, "DELETE manifest " + digest);
    }

    /** Reports an answer that is not {@code wanted}, quoting the start of its body as data. */
    interface Expectation {
        void expect(HttpResponse<?> response, int wanted, String what);
    }

    private void expect(HttpResponse<?> response, int wanted, String what) {
        if (response.statusCode() != wanted) {
            String body = response.body() instanceof String s ? abbreviate(s)
                    : response.body() instanceof byte[] b ? abbreviate(new String(b, StandardCharsets.UTF_8))
                    : response.body() instanceof InputStream in ? abbreviate(errorBody(in)) : "";
            RegistryHttp.discard(response);
            throw new RegistryProtocolException(describe() + ": " + what + " answered HTTP " + response.statusCode()
                    + " (expected " + wanted + ") " + body);
        }
    }

    /** The start of an error body, enough for the distribution error in it; the rest is not read. */
    private static String errorBody(InputStream in) {
        try (InputStream guarded = new StallGuard(in, 5_000)) {
            return new String(guarded.readNBytes(UntrustedText.LONG_TEXT + 1), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** An error body as data: escaped and cut, so a hostile page cannot flood or rewrite the terminal. */
    private static String abbreviate(String s) {
        String t = s.strip();
        return t.isEmpty() ? "" : UntrustedText.quoteLong(t);
    }

    @Override
    public void close() {
        // java.net.http clients hold no resources that need closing on Java 17
    }
}
