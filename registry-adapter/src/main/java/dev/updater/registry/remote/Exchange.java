package dev.updater.registry.remote;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * One answer of a registry (or of a host it sent us to), whichever HTTP client fetched it: what the one retry,
 * authentication and redirect policy of {@link RegistryHttp} looks at. Reads of manifests and blobs come through
 * {@link UrlConnectionTransport}; uploads, tag lists, deletes through java.net.http ({@link JdkExchange}).
 */
interface Exchange {
    int status();

    /** Where this answer came from: the request's URI, or the last redirect's target. */
    URI uri();

    Optional<String> header(String name);

    List<String> headers(String name);

    /** Drops the body unread (an answer that is retried, redirected or reported). */
    void discard();

    /** Sends one request (no redirects followed) to {@code uri}, with the Authorization header if any. */
    @FunctionalInterface
    interface Hop<E extends Exchange> {
        E send(URI uri, Optional<String> authorization) throws java.io.IOException;
    }
}
