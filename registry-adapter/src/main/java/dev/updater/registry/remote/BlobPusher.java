package dev.updater.registry.remote;

import dev.updater.registry.BlobSource;
import dev.updater.registry.DigestMismatchException;
import dev.updater.registry.LocalFileException;
import dev.updater.registry.RegistryNetworkException;
import dev.updater.registry.RegistryProtocolException;
import dev.updater.schema.Digest;
import dev.updater.schema.OciDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upload protocol in one place ({@code POST/PATCH/PUT /v2/<name>/blobs/uploads/}): mount a blob from
 * {@code mountFrom} (no bytes sent), else upload it, in one PUT when small, in PATCH chunks when large. A chunk that
 * fails is not re-sent blindly: the registry is asked how much it holds and the upload continues from that offset.
 */
final class BlobPusher {
    private static final Pattern UPLOAD_RANGE = Pattern.compile("^(?:bytes=)?0-(\\d+)$");
    private final RegistryHttp http;
    private final String repository;
    private final long uploadChunkSize;
    private final Optional<String> mountFrom;
    private final Supplier<String> store;
    private final RemoteRegistryStore.Expectation expectation;

    BlobPusher(RegistryHttp http, String repository, long uploadChunkSize, Optional<String> mountFrom,
            Supplier<String> store, RemoteRegistryStore.Expectation expectation) {
        this.http = http;
        this.repository = repository;
        this.uploadChunkSize = uploadChunkSize;
        this.mountFrom = mountFrom;
        this.store = store;
        this.expectation = expectation;
    }

    private String pushScope() {
        return "repository:" + repository + ":pull,push";
    }

    /** Mounts the blob from {@code mountFrom} if the registry will, else uploads it. */
    void push(OciDescriptor blob, BlobSource source) {
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
        expectation.expect(response, 201, "mount blob " + digest + " from " + fromRepository);
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
                        throw new RegistryProtocolException(store.get() + " refused upload chunk at " + from
                                + " (HTTP 416) again after " + budget.attempts() + " attempts; push again");
                    }
                    offset = queryOffset(location, budget).orElseThrow(() -> new RegistryProtocolException(store.get()
                            + " refused upload chunk at " + from + " (HTTP 416) and lost the session; push again"));
                    continue;
                }
                expectation.expect(response, 202, "PATCH upload chunk at " + from);
            } catch (RegistryNetworkException e) {
                if (!budget.canRetry()) {
                    throw new RegistryNetworkException("upload of blob " + blob.digest()
                            + " to " + store.get() + " failed at byte " + from + " of " + blob.size() + " after "
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
        expectation.expect(response, 204, "GET upload status");
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
            throw new DigestMismatchException("upload of blob " + blob.digest() + " to " + store.get()
                    + " (the registry computed another digest: the source changed while uploading?)",
                    blob.digest(), "registry's DIGEST_INVALID");
        }
        expectation.expect(response, 201, "PUT blob " + blob.digest());
    }

    private static void sleep(java.time.Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryNetworkException("interrupted while uploading");
        }
    }

    private URI startUpload(RetryBudget budget) {
        HttpResponse<String> response = http.send(new RegistryHttp.Request("POST", http.uri("/v2/" + repository + "/blobs/uploads/"),
                Map.of(), Optional.of(HttpRequest.BodyPublishers::noBody), pushScope()),
                BoundedText.handler(), budget);
        expectation.expect(response, 202, "POST blob upload");
        String location = response.headers().firstValue("Location").orElseThrow(() ->
                new RegistryProtocolException(store.get() + " started an upload without a Location header"));
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
            throw new LocalFileException("cannot read the blob to upload", e);
        }
    }
}
