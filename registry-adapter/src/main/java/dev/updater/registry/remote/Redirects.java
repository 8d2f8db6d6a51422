package dev.updater.registry.remote;

import dev.updater.registry.RegistryProtocolException;
import dev.updater.schema.UntrustedText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Redirects followed by hand, for every transport alike: only for GET and HEAD, only to absolute http(s) URLs, at
 * most {@value #MAX_REDIRECTS} and never round a loop, and credentials only while every hop stays on the registry's
 * own origin (a redirect to a storage host gets the request without them).
 */
final class Redirects {
    static final int MAX_REDIRECTS = 5;

    private final String registry;
    private final Predicate<URI> registryOrigin;

    Redirects(String registry, Predicate<URI> registryOrigin) {
        this.registry = registry;
        this.registryOrigin = registryOrigin;
    }

    /** The Authorization header for the registry's own hops, if there is one. */
    @FunctionalInterface
    interface Authorization {
        Optional<String> header() throws IOException;
    }

    /** Sends {@code request} with {@code hop}, following redirects; returns the first answer that is not one. */
    <E extends Exchange> E follow(RegistryHttp.Request request, Exchange.Hop<E> hop, Authorization authorization)
            throws IOException {
        URI uri = request.uri();
        // Credentials go only to the registry itself: a pagination link, an upload location or a redirect may name
        // another host, and the registry's answers are not ours to trust with where our password goes.
        boolean sameOrigin = registryOrigin.test(uri);
        Set<URI> visited = new LinkedHashSet<>();
        for (int hopCount = 0; ; hopCount++) {
            visited.add(uri);
            E answer = hop.send(uri, sameOrigin ? authorization.header() : Optional.empty());
            int status = answer.status();
            boolean redirect = (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                    && (request.method().equals("GET") || request.method().equals("HEAD"));
            Optional<String> location = answer.header("Location");
            if (!redirect || location.isEmpty()) {
                return answer;
            }
            answer.discard();
            URI next = target(request, uri, location.get());
            if (visited.contains(next) || hopCount >= MAX_REDIRECTS) {
                // The same answer would come on every retry: report it now.
                String why = visited.contains(next) ? " round a redirect loop"
                        : " through more than " + MAX_REDIRECTS + " redirects";
                throw new RegistryProtocolException(registry + " sent " + request.method() + " "
                        + request.uri().getPath() + why + " (last Location: " + UntrustedText.quoteLong(location.get())
                        + "); the registry or a proxy in front of it is misconfigured");
            }
            sameOrigin = sameOrigin && registryOrigin.test(next);
            uri = next;
        }
    }

    /** Where a redirect points: an absolute http(s) URL, or the registry's answer is reported as it is. */
    private URI target(RegistryHttp.Request request, URI from, String location) {
        String what = registry + " redirected " + request.method() + " " + request.uri().getPath() + " to ";
        URI next;
        try {
            next = from.resolve(location.trim());
        } catch (IllegalArgumentException e) {
            throw new RegistryProtocolException(what + "a malformed Location " + UntrustedText.quoteLong(location)
                    + "; the registry or a proxy in front of it is misconfigured");
        }
        if (!isHttpUrl(next)) {
            throw new RegistryProtocolException(what + UntrustedText.quoteLong(location) + ", which is not an http(s) "
                    + "URL; refusing to follow it");
        }
        return next;
    }

    /** An absolute http or https URL with a host that java.net.http accepts (a port in range, for one). */
    static boolean isHttpUrl(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) return false;
        if (uri.getPort() > 65_535) return false; // the JDK would throw only when sending
        try {
            HttpRequest.newBuilder(uri);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
