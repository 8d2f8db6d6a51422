package dev.updater.registry.remote;

import dev.updater.registry.MinimumThroughput;
import dev.updater.registry.NotFoundException;
import dev.updater.registry.RangedStream;
import dev.updater.registry.RegistryProtocolException;
import dev.updater.registry.TransferGuard;
import dev.updater.schema.OciDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code GET /v2/<name>/blobs/<digest>}, from an offset (Range with If-Range), and a whole transfer that resumes
 * itself ({@link ResumingBlobStream}) on one retry budget. Bodies come through {@link UrlConnectionTransport}; each is
 * handed out already under its transfer's stall and throughput rules.
 */
final class BlobPuller {
    /** Small documents read whole (update manifests, signatures, TUF metadata): the default rules. */
    private static final long DOCUMENT_STALL_MILLIS = 30_000;

    private final RegistryHttp http;
    private final Function<String, URI> uri;
    private final String scope;
    private final Supplier<String> store;

    BlobPuller(RegistryHttp http, Function<String, URI> uri, String scope, Supplier<String> store) {
        this.http = http;
        this.uri = uri;
        this.scope = scope;
        this.store = store;
    }

    /** One GET (with the transport's retries on {@code budget}) under the default rules for a document. */
    RangedStream open(OciDescriptor blob, long offset, RetryBudget budget) {
        return open(blob, offset, budget, new TransferGuard(DOCUMENT_STALL_MILLIS, MinimumThroughput.configured(),
                (at, why) -> { }));
    }

    /** One GET (with the transport's retries on {@code budget}); where the body starts, 0 if Range was ignored. */
    RangedStream open(OciDescriptor blob, long offset, RetryBudget budget, TransferGuard guard) {
        // If-Range makes a changed representation come back whole (200) rather than as a mismatched tail; the blob's
        // digest is its identity, so it doubles as the validator when the registry sends no ETag.
        Map<String, String> headers = offset > 0
                ? Map.of("Range", "bytes=" + offset + "-", "If-Range", "\"" + blob.digest() + "\"")
                : Map.of();
        UrlConnectionTransport.Body response = http.reads().get(RegistryHttp.Request.get(
                uri.apply("blobs/" + blob.digest()), scope, headers), budget, guard.stallMillis());
        int status = response.status();
        if (status == 404) {
            response.discard();
            throw new NotFoundException("blob " + blob.digest() + " is missing from " + store.get()
                    + "; the release is incomplete: push it again");
        }
        if (status == 416 && offset >= blob.size()) {
            response.discard();
            return new RangedStream(InputStream.nullInputStream(), offset);
        }
        if (status != 200 && !(status == 206 && offset > 0)) {
            throw response.refusal(store.get(), "GET blob " + blob.digest(), 200);
        }
        InputStream body;
        try {
            body = guard.watchTimedReads(response.stream());
        } catch (IOException e) {
            response.discard();
            throw new RegistryProtocolException(store.get() + ": GET blob " + blob.digest() + " answered HTTP "
                    + status + " without a readable body (" + TransportFailures.describe(e) + ")");
        }
        return new RangedStream(body, status == 206 ? offset : 0);
    }

    /** The whole transfer from {@code offset}: one budget for its first GET and every resume. */
    RangedStream transfer(OciDescriptor blob, long offset, TransferGuard guard) {
        RetryBudget budget = http.retryPolicy().budget();
        RangedStream first = open(blob, offset, budget, guard);
        return new RangedStream(new ResumingBlobStream(blob, first, budget, guard,
                (b, from, spent) -> open(b, from, spent, guard)), first.start());
    }
}
