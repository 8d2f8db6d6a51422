package dev.updater.registry.remote;

import dev.updater.schema.UntrustedText;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.Credential;
import dev.updater.registry.MinimumThroughput;
import dev.updater.registry.ReadTimeoutGuard;
import dev.updater.registry.RegistryException;
import dev.updater.registry.RegistryNetworkException;
import dev.updater.registry.RegistryProtocolException;
import dev.updater.registry.RegistryUnauthorizedException;
import dev.updater.schema.Json;
import dev.updater.schema.ManifestFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The token service a registry's bearer challenge names (the distribution token spec), and the tokens it gave us,
 * by scope. The registry chooses the realm, so it is checked before any credential is sent there.
 */
final class TokenService {
    private final String registry;
    private final URI base;
    private final Supplier<HttpClient> client;
    private final UrlConnectionTransport reads;
    private final Duration requestTimeout;
    private final Supplier<Optional<Credential>> credential;
    private final Supplier<String> lookedIn;
    private final TransportFailures failures;
    /** Bearer tokens by scope: a pull token must not be reused for a push. */
    private final Map<String, BearerToken> tokens = new ConcurrentHashMap<>();

    TokenService(String registry, URI base, Supplier<HttpClient> client, UrlConnectionTransport reads,
            Duration requestTimeout,
            Supplier<Optional<Credential>> credential, Supplier<String> lookedIn, TransportFailures failures) {
        this.registry = registry;
        this.base = base;
        this.client = client;
        this.reads = reads;
        this.requestTimeout = requestTimeout;
        this.credential = credential;
        this.lookedIn = lookedIn;
        this.failures = failures;
    }

    /** The Authorization header for {@code scope}: a cached token, or a fresh one if it is new or due. */
    String authorization(Challenge bearer, String scope) throws IOException {
        BearerToken token = tokens.get(scope);
        if (token == null || token.dueForRefresh()) {
            token = fetch(bearer, scope);
        }
        return "Bearer " + token.value();
    }

    /** Drops the token of {@code scope}: the registry refused it (expired or revoked). */
    void forget(String scope) {
        tokens.remove(scope);
    }

    /**
     * The token flow of the distribution token spec: GET realm?service=..&scope=.. with basic credentials if we
     * have them (anonymous otherwise). A scope may list several resources separated by spaces, each sent as its own
     * {@code scope} parameter (cross-repository mounts need a pull on the source and a push on the target).
     */
    BearerToken fetch(Challenge challenge, String scope) throws IOException {
        String realm = challenge.params().get("realm");
        Optional<Credential> credential = this.credential.get();
        StringBuilder url = new StringBuilder(realm);
        char separator = realm.contains("?") ? '&' : '?';
        if (challenge.params().containsKey("service")) {
            url.append(separator).append("service=")
                    .append(URLEncoder.encode(challenge.params().get("service"), StandardCharsets.UTF_8));
            separator = '&';
        }
        for (String one : scope.trim().split("\\s+")) {
            if (one.isEmpty()) continue;
            url.append(separator).append("scope=").append(URLEncoder.encode(one, StandardCharsets.UTF_8));
            separator = '&';
        }
        checkedRealm(realm);
        URI tokenUri;
        try {
            tokenUri = URI.create(url.toString());
        } catch (IllegalArgumentException e) {
            throw new RegistryUnauthorizedException(registry + " named a token service that is not a URL: "
                    + UntrustedText.quoteLong(realm));
        }
        if (credential.isPresent() && "http".equals(tokenUri.getScheme()) && "https".equals(base.getScheme())) {
            throw new RegistryUnauthorizedException(registry + " (HTTPS) sent us to a plain-HTTP token service "
                    + UntrustedText.quoteLong(realm) + "; refusing to send credentials there in clear text.");
        }
        long requestedAt = System.nanoTime();
        Exchange response;
        try {
            response = send(challenge, scope, realm, tokenUri, credential);
        } catch (IOException e) {
            Optional<RegistryException> permanent = failures.permanent(e, RegistryHttp.hostPort(tokenUri),
                    String.valueOf(tokenUri.getHost()), "https".equals(tokenUri.getScheme()));
            if (permanent.isPresent()) {
                throw new RegistryNetworkException("the token service of " + registry + ": "
                        + permanent.get().getMessage(), e);
            }
            throw e;
        }
        int status = response.status();
        if (status != 200) response.discard();
        if (status == 401 || status == 403) {
            throw new RegistryUnauthorizedException("the token service of " + registry + " (" + UntrustedText.quoteLong(realm)
                    + ") refused " + (credential.isPresent() ? "the credentials" : "anonymous access")
                    + " for scope '" + scope + "' (HTTP " + status + ")."
                    + (credential.isPresent() ? " Credentials came from: " : " Credentials were looked for in: ")
                    + lookedIn.get() + ". " + (credential.isPresent()
                            ? "Check the user name and password, or log in again (update login " + registry + ")."
                            : "Log in (update login " + registry + "), or pass --username and --password-stdin."));
        }
        if (status == 429 || status >= 500) {
            throw new IOException("the token service " + UntrustedText.quoteLong(realm) + " answered HTTP " + status);
        }
        if (status != 200) {
            throw new RegistryProtocolException("the token service " + UntrustedText.quoteLong(realm) + " of " + registry
                    + " answered HTTP " + status + " for scope '" + scope + "'");
        }
        byte[] bytes = tokenResponse(response, realm);
        JsonNode body;
        try {
            body = Json.parse(bytes, "token response");
        } catch (ManifestFormatException e) {
            // The parser's message may quote the body, and the body holds the token.
            throw new RegistryProtocolException("the token service " + UntrustedText.quoteLong(realm) + " of " + registry
                    + " returned a response that is not JSON");
        }
        String token = body.hasNonNull("token") ? body.get("token").asText()
                : body.hasNonNull("access_token") ? body.get("access_token").asText() : "";
        if (token.isEmpty()) {
            throw new RegistryProtocolException("the token service " + UntrustedText.quoteLong(realm) + " of " + registry
                    + " returned no token for scope '" + scope + "'");
        }
        BearerToken fresh = BearerToken.of(token, body.path("expires_in").asLong(0), requestedAt);
        tokens.put(scope, fresh);
        return fresh;
    }

    /**
     * The token request: a GET with basic credentials (or none) over HttpURLConnection, as the registry's reads go,
     * so a pull from a registry with token auth never builds a java.net.http client; the exchange of an OAuth2
     * refresh token is a POST, sent with java.net.http.
     */
    private Exchange send(Challenge challenge, String scope, String realm, URI tokenUri,
            Optional<Credential> credential) throws IOException {
        if (credential.isPresent() && credential.get().isOAuth2RefreshToken()) {
            // An identity token from `docker login` (config.json `identitytoken`) is an OAuth2 refresh token: it is
            // exchanged by POST, never sent as a basic password.
            HttpRequest request = HttpRequest.newBuilder(URI.create(realm)).timeout(requestTimeout)
                    .header("User-Agent", RegistryHttp.USER_AGENT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(refreshTokenForm(challenge, scope, credential.get())))
                    .build();
            try {
                return new JdkExchange<>(client.get().send(request, HttpResponse.BodyHandlers.ofInputStream()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return reads.getOnce(tokenUri, credential.map(RegistryHttp::basic), requestTimeout.toMillis());
    }

    /**
     * A token response is a few kilobytes (a JWT and its expiry); a service that sends more, or sends it at a crawl,
     * is not answering the token protocol and must not fill memory or hold the command.
     */
    private byte[] tokenResponse(Exchange response, String realm) throws IOException {
        byte[] bytes;
        try (InputStream in = body(response)) {
            bytes = in.readNBytes(MAX_TOKEN_RESPONSE_BYTES + 1);
        }
        if (bytes.length > MAX_TOKEN_RESPONSE_BYTES) {
            throw new RegistryProtocolException("the token service " + UntrustedText.quoteLong(realm) + " of " + registry
                    + " sent a token response larger than 1 MiB; that is not a token");
        }
        return bytes;
    }

    private static final int MAX_TOKEN_RESPONSE_BYTES = 1 << 20;

    /** The body under the stall and throughput rules (a timer for java.net.http, the read timeout otherwise). */
    @SuppressWarnings("unchecked")
    private InputStream body(Exchange response) throws IOException {
        if (response instanceof UrlConnectionTransport.Body read) {
            return new ReadTimeoutGuard(read.stream(), requestTimeout.toMillis(), MinimumThroughput.configured());
        }
        return RemoteRegistryStore.guarded(((JdkExchange<InputStream>) response).response().body());
    }

    /**
     * The realm of a bearer challenge as a URL we will send credentials to: absolute http or https with a host. The
     * registry chose it, so anything else (a file: URL, a relative path, an empty string) is its misconfiguration or
     * an attack, reported as the authentication failure it is.
     */
    URI checkedRealm(String realm) {
        URI uri = null;
        try {
            uri = new URI(realm);
        } catch (URISyntaxException e) {
            // reported below
        }
        if (uri == null || !Redirects.isHttpUrl(uri)) {
            throw new RegistryUnauthorizedException(registry + " asked for a bearer token from the token service "
                    + UntrustedText.quoteLong(realm) + " (WWW-Authenticate realm), which is not an http(s) URL; this client "
                    + "cannot authenticate to it. The registry's token configuration is broken: tell its operator.");
        }
        return uri;
    }

    private static String refreshTokenForm(Challenge challenge, String scope, Credential refreshToken) {
        StringBuilder form = new StringBuilder("grant_type=refresh_token&client_id=update");
        challenge.param("service").ifPresent(service -> form.append("&service=")
                .append(URLEncoder.encode(service, StandardCharsets.UTF_8)));
        form.append("&scope=").append(URLEncoder.encode(scope.trim(), StandardCharsets.UTF_8));
        form.append("&refresh_token=").append(URLEncoder.encode(refreshToken.getPassword(), StandardCharsets.UTF_8));
        return form.toString();
    }

    /**
     * A bearer token and when to fetch the next one. The spec's default lifetime is 60 s; we refresh a quarter of
     * the lifetime (at most 15 s) early, measured from when we asked, so a token does not expire mid-request.
     */
    record BearerToken(String value, long refreshAtNanos) {
        static BearerToken of(String value, long expiresInSeconds, long requestedAtNanos) {
            long lifetime = Duration.ofSeconds(expiresInSeconds > 0 ? expiresInSeconds : 60).toNanos();
            long margin = Math.min(lifetime / 4, Duration.ofSeconds(15).toNanos());
            return new BearerToken(value, requestedAtNanos + lifetime - margin);
        }

        boolean dueForRefresh() {
            return System.nanoTime() - refreshAtNanos >= 0;
        }

        @Override
        public String toString() {
            return "BearerToken[redacted]";
        }
    }
}
