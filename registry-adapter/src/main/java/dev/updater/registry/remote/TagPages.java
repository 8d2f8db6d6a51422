package dev.updater.registry.remote;

import dev.updater.schema.UntrustedText;
import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.NotFoundException;
import dev.updater.registry.RegistryNetworkException;
import dev.updater.registry.RegistryProtocolException;
import dev.updater.schema.Json;
import dev.updater.schema.ManifestFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tag list of one repository, followed page by page ({@code GET /v2/NAME/tags/list}, {@code Link: rel="next"}).
 * The registry decides the pages, so each is bounded in size, must be JSON, and must link within the registry; a
 * page seen twice or a list without end is reported instead of printing the same tags again.
 */
final class TagPages {
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final int MAX_TAG_PAGES = 1000;
    /** A page of 10,000 tags of 128 characters is 1.3 MB; a page beyond 8 MiB is not a tag list. */
    private static final int MAX_TAG_PAGE_BYTES = 8 * 1024 * 1024;
    private final RegistryHttp http;
    private final String store;

    TagPages(RegistryHttp http, String store) {
        this.http = http;
        this.store = store;
    }

    /**
     * All tags, page by page along {@code Link: <...>; rel="next"}. A registry that links back to a page it already
     * sent, links to another host, or never stops, is reported rather than followed: each would print the same tags
     * again or send us somewhere the registry does not own.
     */
    List<String> all(URI first, String scope, RemoteRegistryStore.Expectation expectation) {
        List<String> tags = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        URI next = first;
        for (int page = 1; next != null; page++) {
            if (!seen.add(next)) {
                throw new RegistryProtocolException(store + " sent a tag list whose pages loop: page " + page
                        + " links back to " + UntrustedText.quoteLong(next.toString()) + ", which it sent already; the "
                        + "registry's pagination is broken, no tags were listed");
            }
            if (page > MAX_TAG_PAGES) {
                throw new RegistryProtocolException(store + " sent more than " + MAX_TAG_PAGES + " pages of "
                        + "tags; stopping rather than listing an endless tag list");
            }
            HttpResponse<InputStream> response = http.send(RegistryHttp.Request.get(next, scope, Map.of()),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() == 404) {
                RegistryHttp.discard(response);
                throw new NotFoundException("repository " + store + " does not exist (nothing pushed yet?)");
            }
            expectation.expect(response, 200, "GET tags");
            JsonNode list = tagPage(response, page).get("tags");
            if (list != null && list.isArray()) {
                list.forEach(t -> tags.add(t.asText()));
            }
            next = nextPage(response.headers().firstValue("Link"));
        }
        return tags;
    }

    private JsonNode tagPage(HttpResponse<InputStream> response, int page) {
        byte[] bytes;
        try (InputStream in = RemoteRegistryStore.guarded(response.body())) {
            bytes = in.readNBytes(MAX_TAG_PAGE_BYTES + 1);
        } catch (IOException e) {
            throw new RegistryNetworkException("reading page " + page + " of the tags of " + store
                    + " failed (" + TransportFailures.describe(e) + ")", e);
        }
        if (bytes.length > MAX_TAG_PAGE_BYTES) {
            throw new RegistryProtocolException(store + " sent page " + page + " of its tag list larger "
                    + "than 8 MiB; that is not a tag list, stopping");
        }
        try {
            return Json.parse(bytes, "tag list");
        } catch (ManifestFormatException e) {
            throw new RegistryProtocolException(store + " sent page " + page + " of its tag list that is not "
                    + "JSON: " + UntrustedText.quote(new String(bytes, 0, Math.min(bytes.length, 200),
                            StandardCharsets.UTF_8), 200));
        }
    }

    /** The next page from a {@code Link} header: on this registry only, or the registry's answer is reported. */
    private URI nextPage(Optional<String> link) {
        Optional<Matcher> m = link.map(NEXT_LINK::matcher).filter(Matcher::find);
        if (m.isEmpty()) return null;
        String target = m.get().group(1);
        URI next;
        try {
            next = http.uri("/").resolve(target.trim());
        } catch (IllegalArgumentException e) {
            throw new RegistryProtocolException(store + " sent a tag list page linking to a malformed URL "
                    + UntrustedText.quoteLong(target));
        }
        URI self = http.uri("/");
        if (!self.getScheme().equalsIgnoreCase(String.valueOf(next.getScheme()))
                || !self.getRawAuthority().equalsIgnoreCase(String.valueOf(next.getRawAuthority()))) {
            throw new RegistryProtocolException(store + " sent a tag list page linking to "
                    + UntrustedText.quoteLong(target) + ", outside the registry; refusing to follow it");
        }
        return next;
    }
}
