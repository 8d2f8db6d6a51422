package dev.updater.registry.remote;

import dev.updater.schema.UntrustedText;
import dev.updater.registry.BlobSource;
import dev.updater.registry.DigestMismatchException;
import dev.updater.registry.NotFoundException;
import dev.updater.registry.RangedStream;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One repository of a registry, spoken to with the OCI distribution API. Manifests are fetched whole and hashed by
 * us (a {@code Docker-Content-Digest} header is never trusted); blobs are streamed through {@link VerifyingInputStream}.
 */
public final class RemoteRegistryStore implements ReleaseStore {
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final String MANIFEST_ACCEPT = String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);
    private static final Pattern UPLOAD_RANGE = Pattern.compile("^(?:bytes=)?0-(\\d+)$");
    private final RegistryHttp http;
    private final String repository;
    private final long uploadChunkSize;
    private final Optional<String> mountFrom;
    private final BlobPuller blobs;

    public RemoteRegistryStore(RegistryHttp http, String repository, long uploadChunkSize,
            Optional<String> mountFrom) {
        this.http = http;
        this.repository = repository;
        this.uploadChunkSize = uploadChunkSize;
        this.mountFrom = mountFrom;
        this.blobs = new BlobPuller(http, this::uri, pullScope(), this::describe, this::expect);
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
        HttpResponse<InputStream> response = http.send(RegistryHttp.Request.get(uri("manifests/" + tagOrDigest),
                pullScope(), Map.of("Accept", MANIFEST_ACCEPT)), HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        if (status == 404) {
            RegistryHttp.discard(response);
            throw new NotFoundException("no manifest '" + tagOrDigest + "' in " + describe()
                    + " (check the tag with: update versions " + describe() + ")");
        }
        expect(response, 200, "GET manifest " + tagOrDigest);
        OptionalLong declared = response.headers().firstValueAsLong("Content-Length");
        if (declared.isPresent() && declared.getAsLong() > MAX_MANIFEST_BYTES) {
            // Refused before reading: a hostile server could otherwise hold us for megabytes it never meant to send.
            RegistryHttp.discard(response);
            throw new DigestMismatchException("manifest " + tagOrDigest + " from " + describe()
                    + " (declared larger than 4 MiB: Content-Length " + declared.getAsLong() + ")",
                    Digest.isValid(tagOrDigest) ? Digest.parse(tagOrDigest) : Digest.of(new byte[0]),
                    "an oversized document");
        }
        byte[] bytes;
        try (InputStream in = guarded(response.body())) {
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
        String mediaType = response.headers().firstValue("Content-Type").map(RemoteRegistryStore::stripParameters)
                .orElse(MediaTypes.OCI_MANIFEST);
        return new VerifiedManifest(actual, mediaType, bytes);
    }

    private static String stripParameters(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    }

    @Override
    public InputStream openBlob(OciDescriptor blob) {
        // Small documents (update manifest, signatures, TUF metadata) are read whole by callers that know nothing of
        // networks: a broken or crawling connection is reported as the network failure it is.
        String what = "blob " + blob.digest() + " from " + describe();
        return new VerifyingInputStream(new NetworkStream(guarded(openBlobFrom(blob, 0).in()), what), blob.digest(),
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
        HttpResponse<Void> response = http.send(new RegistryHttp.Request("HEAD", uri("manifests/" + tag),
                Map.of("Accept", MANIFEST_ACCEPT), Optional.empty(), pullScope()), HttpResponse.BodyHandlers
                        .discarding());
        if (response.statusCode() == 404) return Optional.empty();
        Optional<String> claimed = response.headers().firstValue("Docker-Content-Digest");
        if (response.statusCode() == 200 && claimed.isPresent() && Digest.isValid(claimed.get())) {
            return Optional.of(Digest.parse(claimed.get()));
        }
        return ReleaseStore.super.probe(tag);
    }

    @Override
    public boolean hasBlob(Digest digest) {
        HttpResponse<Void> response = http.send(new RegistryHttp.Request("HEAD", uri("blobs/" + digest), Map.of(),
                Optional.empty(), pullScope()), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) return true;
        if (response.statusCode() == 404) return false;
        throw new RegistryProtocolException(describe() + " answered HTTP " + response.statusCode() + " to HEAD blob "
                + digest);
    }

    /**
     * The upload protocol in one place: skip a blob the repository has (HEAD), else mount it from {@code mountFrom}
     * (no bytes sent), else upload it: in one PUT when small, in PATCH chunks when large. A chunk that fails is not
     * re-sent blindly: the registry is asked how much it holds and the upload continues from that offset.
     */
    @Override
    public void pushBlob(OciDescriptor blob, BlobSource source) {
        if (hasBlob(blob.digest())) {
            return;
        }
        if (mountFrom.isPresent() && mount(blob.digest(), mountFrom.get())) {
            return;
        }
        URI location = startUpload(http.retryPolicy().budget());
        if (blob.size() <= uploadChunkSize) {
            uploadWhole(blob, source, location);
        } else {
            uploadInChunks(blob, source, location);
        }
    }

    /** Cross-repository mount; true if the registry mounted it (201), false if it wants an upload instead. */
    private boolean mount(Digest digest, String fromRepository) {
        URI uri = http.uri("/v2/" + repository + "/blobs/uploads/?mount=" + digest + "&from=" + fromRepository);
        HttpResponse<String> response = http.send(new RegistryHttp.Request("POST", uri, Map.of(),
                Optional.of(HttpRequest.BodyPublishers::noBody), pushScope() + " repository:" + fromRepository
                        + ":pull"), BoundedText.handler());
        if (response.statusCode() == 201) {
            return true;
        }
        if (response.statusCode() == 202) {
            // Not mountable (the source lacks it, or no rights there): cancel the upload session it opened.
            response.headers().firstValue("Location").ifPresent(l -> cancelUpload(http.uri("/").resolve(l)));
            return false;
        }
        expect(response, 201, "mount blob " + digest + " from " + fromRepository);
        return false;
    }

    private void cancelUpload(URI location) {
        try {
            http.send(new RegistryHttp.Request("DELETE", location, Map.of(), Optional.empty(), pushScope()),
                    HttpResponse.BodyHandlers.discarding(), RetryPolicy.NONE);
        } catch (RuntimeException ignored) {
            // an abandoned upload session expires on its own
        }
    }

    private void uploadWhole(OciDescriptor blob, BlobSource source, URI location) {
        URI put = withQuery(location, "digest=" + blob.digest());
        HttpResponse<String> response = http.send(new RegistryHttp.Request("PUT", put,
                Map.of("Content-Type", "application/octet-stream"),
                Optional.of(() -> HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> open(source)), blob.size())),
                pushScope()), BoundedText.handler());
        checkCommitted(blob, response);
    }

    private void uploadInChunks(OciDescriptor blob, BlobSource source, URI start) {
        URI location = start;
        long offset = 0;
        // One budget per chunk on its way (renewed when a chunk lands): the PATCH, the offset queries and a new
        // session after a failure all spend it, so a dying registry gets the policy's attempts, not a product.
        RetryBudget budget = http.retryPolicy().budget();
        while (offset < blob.size()) {
            long length = Math.min(uploadChunkSize, blob.size() - offset);
            long from = offset;
            try {
                budget.attemptStarted(); // sent once: a PATCH that may have landed is not repeated blindly
                HttpResponse<String> response = http.send(new RegistryHttp.Request("PATCH", location,
                        Map.of("Content-Type", "application/octet-stream",
                                "Content-Range", from + "-" + (from + length - 1)),
                        Optional.of(() -> HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> open(source.region(from, length))), length)),
                        pushScope()), BoundedText.handler(), RetryPolicy.NONE);
                if (response.statusCode() == 202) {
                    location = nextLocation(response, location);
                    offset = reportedOffset(response).orElse(from + length);
                    budget = http.retryPolicy().budget();
                    continue;
                }
                if (response.statusCode() == 416) {
                    if (!budget.canRetry()) {
                        throw new RegistryProtocolException(describe() + " refused upload chunk at " + from
                                + " (HTTP 416) again after " + budget.attempts() + " attempts; push again");
                    }
                    offset = queryOffset(location, budget).orElseThrow(() -> new RegistryProtocolException(describe()
                            + " refused upload chunk at " + from + " (HTTP 416) and lost the session; push again"));
                    continue;
                }
                expect(response, 202, "PATCH upload chunk at " + from);
            } catch (dev.updater.registry.RegistryNetworkException e) {
                if (!budget.canRetry()) {
                    throw new dev.updater.registry.RegistryNetworkException("upload of blob " + blob.digest()
                            + " to " + describe() + " failed at byte " + from + " of " + blob.size() + " after "
                            + budget.attempts() + " attempts: " + e.getMessage(), e);
                }
                sleep(budget.delayBeforeNext(java.time.Duration.ZERO));
                Optional<Long> reported = queryOffset(location, budget);
                if (reported.isPresent()) {
                    offset = reported.get();
                } else {
                    // The session is gone: distribution invalidates it when a PATCH landed but its answer (the
                    // next upload URL) was lost. Only a new session from byte 0 is left.
                    location = startUpload(budget);
                    offset = 0;
                }
            }
        }
        URI put = withQuery(location, "digest=" + blob.digest());
        HttpResponse<String> response = http.send(new RegistryHttp.Request("PUT", put, Map.of(),
                Optional.of(HttpRequest.BodyPublishers::noBody), pushScope()), BoundedText.handler());
        checkCommitted(blob, response);
    }

    /**
     * Where an interrupted upload stands, as the registry reports it (GET on the upload URL, Range 0-N); empty when
     * the registry no longer knows the session (404).
     */
    private Optional<Long> queryOffset(URI location, RetryBudget budget) {
        HttpResponse<String> response = http.send(RegistryHttp.Request.get(location, pushScope(), Map.of()),
                BoundedText.handler(), budget);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect(response, 204, "GET upload status");
        return Optional.of(reportedOffset(response).orElse(0L));
    }

    private static Optional<Long> reportedOffset(HttpResponse<?> response) {
        return response.headers().firstValue("Range").map(r -> UPLOAD_RANGE.matcher(r.trim()))
                .filter(Matcher::matches).map(m -> Long.parseLong(m.group(1)) + 1);
    }

    private URI nextLocation(HttpResponse<?> response, URI current) {
        return response.headers().firstValue("Location").map(l -> http.uri("/").resolve(l)).orElse(current);
    }

    private void checkCommitted(OciDescriptor blob, HttpResponse<String> response) {
        if (response.statusCode() == 400 && response.body().contains("DIGEST_INVALID")) {
            throw new DigestMismatchException("upload of blob " + blob.digest() + " to " + describe()
                    + " (the registry computed another digest: the source changed while uploading?)",
                    blob.digest(), "registry's DIGEST_INVALID");
        }
        expect(response, 201, "PUT blob " + blob.digest());
    }

    private static void sleep(java.time.Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.updater.registry.RegistryNetworkException("interrupted while uploading");
        }
    }

    private URI startUpload(RetryBudget budget) {
        HttpResponse<String> response = http.send(new RegistryHttp.Request("POST", uri("blobs/uploads/"),
                Map.of(), Optional.of(HttpRequest.BodyPublishers::noBody), pushScope()),
                BoundedText.handler(), budget);
        expect(response, 202, "POST blob upload");
        String location = response.headers().firstValue("Location").orElseThrow(() ->
                new RegistryProtocolException(describe() + " started an upload without a Location header"));
        return http.uri("/").resolve(location);
    }

    private static URI withQuery(URI uri, String query) {
        String s = uri.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + query);
    }

    private static InputStream open(BlobSource source) {
        try {
            return source.open();
        } catch (IOException e) {
            throw new dev.updater.registry.LocalFileException("cannot read the blob to upload", e);
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
