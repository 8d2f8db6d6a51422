package dev.updater.registry.remote;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The body of an answer we only read for its error code (upload sessions, manifest and blob pushes): at most
 * {@code limit} bytes are kept, then the stream is cancelled, so a registry that answers a push with an endless or
 * huge body costs neither memory nor time.
 */
final class BoundedText implements HttpResponse.BodySubscriber<String> {
    /** Enough for any distribution error document; the start is all a message quotes. */
    static final int LIMIT = 64 * 1024;

    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private BoundedText(int limit) {
        this.limit = limit;
    }

    static HttpResponse.BodyHandler<String> handler() {
        return handler(LIMIT);
    }

    static HttpResponse.BodyHandler<String> handler(int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit must be positive");
        return info -> new BoundedText(limit);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) return;
        for (ByteBuffer b : buffers) {
            int take = Math.min(b.remaining(), limit - kept.size());
            byte[] bytes = new byte[take];
            b.get(bytes);
            kept.write(bytes, 0, take);
            if (kept.size() >= limit) {
                subscription.cancel();
                complete();
                return;
            }
        }
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        complete();
    }

    private void complete() {
        body.complete(kept.toString(StandardCharsets.UTF_8));
    }

    @Override
    public CompletionStage<String> getBody() {
        return body;
    }
}
