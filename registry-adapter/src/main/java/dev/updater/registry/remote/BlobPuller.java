package dev.updater.registry.remote;

import dev.updater.registry.NotFoundException;
import dev.updater.registry.RangedStream;
import dev.updater.registry.TransferGuard;
import dev.updater.schema.OciDescriptor;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code GET /v2/<name>/blobs/<digest>}, from an offset (Range with If-Range), and a whole transfer that resumes
 * itself ({@link ResumingBlobStream}) on one retry budget.
 */
final class BlobPuller {
    private final RegistryHttp http;
    private final Function<String, URI> uri;
    private final String scope;
    private final Supplier<String> store;
    private final RemoteRegistryStore.Expectation expectation;

    BlobPuller(RegistryHttp http, Function<String, URI> uri, String scope, Supplier<String> store,
            RemoteRegistryStore.Expectation expectation) {
        this.http = http;
        this.uri = uri;
        this.scope = scope;
        this.store = store;
        this.expectation = expectation;
    }

    /** One GET (with the transport's retries on {@code budget}); where the body starts, 0 if Range was ignored. */
    RangedStream open(OciDescriptor blob, long offset, RetryBudget budget) {
        // If-Range makes a changed representation come back whole (200) rather than as a mismatched tail; the blob's
        // digest is its identity, so it doubles as the validator when the registry sends no ETag.
        Map<String, String> headers = offset > 0
                ? Map.of("Range", "bytes=" + offset + "-", "If-Range", "\"" + blob.digest() + "\"")
                : Map.of();
        HttpResponse<InputStream> response = http.send(RegistryHttp.Request.get(uri.apply("blobs/" + blob.digest()),
                scope, headers), HttpResponse.BodyHandlers.ofInputStream(), budget);
        int status = response.statusCode();
        if (status == 404) {
            RegistryHttp.discard(response);
            throw new NotFoundException("blob " + blob.digest() + " is missing from " + store.get()
                    + "; the release is incomplete: push it again");
        }
        if (status == 206 && offset > 0) {
            return new RangedStream(response.body(), offset);
        }
        if (status == 416 && offset >= blob.size()) {
            RegistryHttp.discard(response);
            return new RangedStream(InputStream.nullInputStream(), offset);
        }
        expectation.expect(response, 200, "GET blob " + blob.digest());
        return new RangedStream(response.body(), 0);
    }

    /** The whole transfer from {@code offset}: one budget for its first GET and every resume. */
    RangedStream transfer(OciDescriptor blob, long offset, TransferGuard guard) {
        RetryBudget budget = http.retryPolicy().budget();
        RangedStream first = open(blob, offset, budget);
        return new RangedStream(new ResumingBlobStream(blob, first, budget, guard, this::open), first.start());
    }
}
