package dev.updater.registry.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.Credential;
import dev.updater.registry.RegistryNetworkException;
import dev.updater.registry.RegistryProtocolException;
import dev.updater.registry.RegistryUnauthorizedException;
import dev.updater.schema.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * HTTP to one registry: authentication (basic, and the bearer token flow of the distribution token spec), retries
 * with backoff on connection errors, 429 and 5xx, and redirects without leaking credentials to other hosts. Each
 * registry operation is described by its caller; this class only runs requests.
 */
public final class RegistryHttp {
    private final String registry;
    private final URI base;
    private final HttpClient client;
    private final RegistryCredentials credentials;
    private final RetryPolicy retry;
    private final Duration requestTimeout;
    /** Bearer tokens by scope: a pull token must not be reused for a push. */
    private final Map<String, BearerToken> tokens = new ConcurrentHashMap<>();
    /** The registry's bearer challenge once seen: where to fetch tokens for further scopes. */
    private volatile Challenge bearerChallenge;
    private volatile String basicHeader;
    private volatile boolean credentialsLoaded;
    private volatile boolean credentialFound;
    private Optional<Credential> cachedCredential = Optional.empty();
    private List<String> lookedIn = List.of();

    public RegistryHttp(String registry, boolean plainHttp, RegistryCredentials credentials, RetryPolicy retry,
            Duration connectTimeout, Duration requestTimeout) {
        this.registry = registry;
        this.base = URI.create((plainHttp ? "http://" : "https://") + registry);
        this.credentials = credentials;
        this.retry = retry;
        this.requestTimeout = requestTimeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public String registry() {
        return registry;
    }

    public RetryPolicy retryPolicy() {
        return retry;
    }

    public URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    /** One request to send: method, URI, headers, a re-openable body, and the token scope it needs. */
    public record Request(String method, URI uri, Map<String, String> headers,
            Optional<Supplier<HttpRequest.BodyPublisher>> body, String scope) {
        public Request {
            headers = Map.copyOf(headers);
            body = body == null ? Optional.empty() : body;
        }

        public static Request get(URI uri, String scope, Map<String, String> headers) {
            return new Request("GET", uri, headers, Optional.empty(), scope);
        }
    }

    /**
     * Sends a request with auth and retries; returns the response once it is not a retryable failure. Redirects
     * (3xx with Location) are followed for GET and HEAD, dropping the Authorization header on another origin.
     */
    public <T> HttpResponse<T> send(Request request, HttpResponse.BodyHandler<T> handler) {
        return send(request, handler, retry);
    }

    /**
     * Same, with another retry policy: requests that are not idempotent (a PATCH appending to an upload) must not be
     * repeated blindly; their caller asks the registry where things stand instead.
     */
    public <T> HttpResponse<T> send(Request request, HttpResponse.BodyHandler<T> handler, RetryPolicy retry) {
        long deadline = System.nanoTime() + retry.totalBudget().toNanos();
        RuntimeException lastFailure = null;
        boolean reauthenticated = false;
        for (int attempt = 1; ; attempt++) {
            Duration retryAfter = Duration.ZERO;
            try {
                HttpResponse<T> response = sendOnce(request, handler, true);
                int status = response.statusCode();
                if (status == 401 || status == 403) {
                    List<Challenge> challenges = Challenge.parse(response.headers().allValues("WWW-Authenticate"));
                    discard(response);
                    // One fresh authentication per request: a cached token may have expired or been revoked at the
                    // registry; a second refusal is final.
                    if (status == 401 && !reauthenticated) {
                        reauthenticated = true;
                        tokens.remove(request.scope());
                        if (authenticate(challenges, request.scope())) {
                            attempt--;
                            continue;
                        }
                    }
                    throw unauthorized(request, status, challenges);
                }
                if (status == 429 || status >= 500) {
                    retryAfter = parseRetryAfter(response);
                    discard(response);
                    lastFailure = new RegistryNetworkException(registry + " answered HTTP " + status + " to "
                            + request.method() + " " + request.uri().getPath());
                } else {
                    return response;
                }
            } catch (IOException e) {
                lastFailure = new RegistryNetworkException(describe(e) + " (" + request.method() + " "
                        + request.uri().getPath() + ")", e);
            }
            if (attempt >= retry.maxAttempts() || System.nanoTime() > deadline) {
                throw new RegistryNetworkException(lastFailure.getMessage() + "; gave up after " + attempt
                        + " attempt" + (attempt == 1 ? "" : "s") + ". Check the registry address and the network, "
                        + "then try again.", lastFailure.getCause());
            }
            sleep(retry.delayAfter(attempt, retryAfter));
        }
    }

    private <T> HttpResponse<T> sendOnce(Request request, HttpResponse.BodyHandler<T> handler, boolean withAuth)
            throws IOException {
        URI uri = request.uri();
        boolean sameOrigin = true;
        for (int hop = 0; hop < 6; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(requestTimeout);
            request.headers().forEach(b::header);
            b.header("User-Agent", "update/1 (oci-update-toolchain)");
            if (withAuth && sameOrigin) {
                Optional<String> authorization = authorization(request.scope());
                if (authorization.isPresent()) b.header("Authorization", authorization.get());
            }
            b.method(request.method(), request.body().map(Supplier::get)
                    .orElse(HttpRequest.BodyPublishers.noBody()));
            HttpResponse<T> response;
            try {
                response = client.send(b.build(), handler);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            int status = response.statusCode();
            boolean redirect = (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                    && (request.method().equals("GET") || request.method().equals("HEAD"));
            Optional<String> location = response.headers().firstValue("Location");
            if (!redirect || location.isEmpty()) {
                return response;
            }
            discard(response);
            URI next = uri.resolve(location.get());
            sameOrigin = sameOrigin && next.getScheme().equals(base.getScheme())
                    && next.getAuthority().equals(base.getAuthority());
            uri = next;
        }
        throw new IOException("too many redirects from " + request.uri());
    }

    /**
     * The Authorization header for a request needing {@code scope}. Once the registry has shown a bearer challenge,
     * a token for a new scope (or one about to expire) is fetched before the request, so a streamed upload is not
     * sent once just to learn that it needs another token.
     */
    private Optional<String> authorization(String scope) throws IOException {
        Challenge bearer = bearerChallenge;
        if (bearer != null) {
            BearerToken token = tokens.get(scope);
            if (token == null || token.dueForRefresh()) {
                token = fetchToken(bearer, scope);
            }
            return Optional.of("Bearer " + token.value());
        }
        return Optional.ofNullable(basicHeader);
    }

    /** Answers a 401 challenge: a bearer token from the realm, or basic credentials. False if we have nothing. */
    private boolean authenticate(List<Challenge> challenges, String scope) throws IOException {
        Optional<Challenge> bearer = challenges.stream()
                .filter(c -> c.scheme().equalsIgnoreCase("Bearer") && c.params().containsKey("realm")).findFirst();
        if (bearer.isPresent()) {
            bearerChallenge = bearer.get();
            fetchToken(bearer.get(), scope);
            return true;
        }
        if (challenges.stream().anyMatch(c -> c.scheme().equalsIgnoreCase("Basic"))) {
            Optional<Credential> credential = loadCredential();
            if (credential.isEmpty() || credential.get().isOAuth2RefreshToken() || basicHeader != null) return false;
            basicHeader = basic(credential.get());
            return true;
        }
        if (challenges.stream().anyMatch(c -> c.scheme().equalsIgnoreCase("Bearer"))) {
            throw new RegistryUnauthorizedException(registry + " asked for a bearer token without naming a token "
                    + "service (no realm in WWW-Authenticate); this client cannot authenticate to it.");
        }
        return false;
    }

    /**
     * The token flow of the distribution token spec: GET realm?service=..&scope=.. with basic credentials if we
     * have them (anonymous otherwise). A scope may list several resources separated by spaces, each sent as its own
     * {@code scope} parameter (cross-repository mounts need a pull on the source and a push on the target).
     */
    private BearerToken fetchToken(Challenge challenge, String scope) throws IOException {
        String realm = challenge.params().get("realm");
        Optional<Credential> credential = loadCredential();
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
        URI tokenUri;
        try {
            tokenUri = URI.create(url.toString());
        } catch (IllegalArgumentException e) {
            throw new RegistryUnauthorizedException(registry + " named a token service that is not a URL: " + realm);
        }
        if (credential.isPresent() && "http".equals(tokenUri.getScheme()) && "https".equals(base.getScheme())) {
            throw new RegistryUnauthorizedException(registry + " (HTTPS) sent us to a plain-HTTP token service "
                    + realm + "; refusing to send credentials there in clear text.");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri).timeout(requestTimeout)
                .header("User-Agent", "update/1 (oci-update-toolchain)");
        if (credential.isPresent() && credential.get().isOAuth2RefreshToken()) {
            // An identity token from `docker login` (config.json `identitytoken`) is an OAuth2 refresh token: it is
            // exchanged by POST, never sent as a basic password.
            b.uri(URI.create(realm)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(refreshTokenForm(challenge, scope, credential.get())));
        } else {
            b.GET();
            credential.ifPresent(c -> b.header("Authorization", basic(c)));
        }
        long requestedAt = System.nanoTime();
        HttpResponse<byte[]> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new RegistryUnauthorizedException("the token service of " + registry + " (" + realm
                    + ") refused " + (credential.isPresent() ? "the credentials" : "anonymous access")
                    + " for scope '" + scope + "' (HTTP " + status + ")."
                    + (credential.isPresent() ? " Credentials came from: " : " Credentials were looked for in: ")
                    + lookedIn() + ". " + (credential.isPresent()
                            ? "Check the user name and password, or log in again (docker login " + registry + ")."
                            : "Log in (docker login " + registry + "), or pass --username and --password-stdin."));
        }
        if (status == 429 || status >= 500) {
            throw new IOException("the token service " + realm + " answered HTTP " + status);
        }
        if (status != 200) {
            throw new RegistryProtocolException("the token service " + realm + " of " + registry
                    + " answered HTTP " + status + " for scope '" + scope + "'");
        }
        JsonNode body;
        try {
            body = Json.parse(response.body(), "token response");
        } catch (RuntimeException e) {
            // The parser's message may quote the body, and the body holds the token.
            throw new RegistryProtocolException("the token service " + realm + " of " + registry
                    + " returned a response that is not JSON");
        }
        String token = body.hasNonNull("token") ? body.get("token").asText()
                : body.hasNonNull("access_token") ? body.get("access_token").asText() : "";
        if (token.isEmpty()) {
            throw new RegistryProtocolException("the token service " + realm + " of " + registry
                    + " returned no token for scope '" + scope + "'");
        }
        BearerToken fresh = BearerToken.of(token, body.path("expires_in").asLong(0), requestedAt);
        tokens.put(scope, fresh);
        return fresh;
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
    private record BearerToken(String value, long refreshAtNanos) {
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

    /**
     * One challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme and its parameters. A header may hold
     * several challenges separated by commas, parameter values may be quoted (with backslash escapes) or bare tokens.
     */
    record Challenge(String scheme, Map<String, String> params) {
        Challenge {
            params = Map.copyOf(params);
        }

        static List<Challenge> parse(List<String> headerValues) {
            List<Challenge> challenges = new ArrayList<>();
            for (String header : headerValues) parseInto(header, challenges);
            return challenges;
        }

        private static void parseInto(String s, List<Challenge> out) {
            String scheme = null;
            Map<String, String> params = new LinkedHashMap<>();
            int i = 0;
            int n = s.length();
            while (i < n) {
                while (i < n && (s.charAt(i) == ',' || Character.isWhitespace(s.charAt(i)))) i++;
                int start = i;
                while (i < n && s.charAt(i) != '=' && s.charAt(i) != ',' && !Character.isWhitespace(s.charAt(i))) i++;
                if (start == i) {
                    i++;
                    continue;
                }
                String token = s.substring(start, i);
                int afterToken = i;
                while (i < n && Character.isWhitespace(s.charAt(i))) i++;
                if (i < n && s.charAt(i) == '=' && scheme != null) {
                    i++;
                    while (i < n && Character.isWhitespace(s.charAt(i))) i++;
                    StringBuilder value = new StringBuilder();
                    if (i < n && s.charAt(i) == '"') {
                        i++;
                        while (i < n && s.charAt(i) != '"') {
                            if (s.charAt(i) == '\\' && i + 1 < n) i++;
                            value.append(s.charAt(i++));
                        }
                        i++;
                    } else {
                        while (i < n && s.charAt(i) != ',' && !Character.isWhitespace(s.charAt(i))) {
                            value.append(s.charAt(i++));
                        }
                    }
                    params.put(token.toLowerCase(Locale.ROOT), value.toString());
                } else if (i < n && s.charAt(i) == '=') {
                    // token68 or garbage before any scheme: skip to the next comma
                    while (i < n && s.charAt(i) != ',') i++;
                } else {
                    if (scheme != null) out.add(new Challenge(scheme, params));
                    scheme = token;
                    params = new LinkedHashMap<>();
                    i = afterToken;
                }
            }
            if (scheme != null) out.add(new Challenge(scheme, params));
        }

        Optional<String> param(String name) {
            return Optional.ofNullable(params.get(name));
        }
    }

    /** Looked up once per registry: a credential helper is a process to start, not something to run per scope. */
    private synchronized Optional<Credential> loadCredential() {
        if (!credentialsLoaded) {
            cachedCredential = credentials.forRegistry(registry);
            // Copied now: the same RegistryCredentials may next be asked about another registry.
            lookedIn = credentials.lookedIn();
            credentialFound = cachedCredential.isPresent();
            credentialsLoaded = true;
        }
        return cachedCredential;
    }

    private String lookedIn() {
        loadCredential();
        return String.join(", ", lookedIn);
    }

    private static String basic(Credential c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.getUsername() + ":" + c.getPassword())
                .getBytes(StandardCharsets.UTF_8));
    }

    private RegistryUnauthorizedException unauthorized(Request request, int status, List<Challenge> challenges) {
        String operation = request.method() + " " + request.uri().getPath();
        String wanted = request.scope().contains("push") ? "push" : "pull";
        String repository = repositoryOf(request.scope());
        Optional<String> error = challenges.stream().map(c -> c.param("error")).flatMap(Optional::stream)
                .findFirst();
        String places = lookedIn();
        String where = (credentialFound ? " Credentials came from: " : " Credentials were looked for in: ") + places
                + ".";
        if (status == 403) {
            return new RegistryUnauthorizedException(registry + " forbids " + operation + " (HTTP 403) for scope '"
                    + request.scope() + "'." + where + " Ask for " + wanted + " rights on " + repository
                    + ", or use credentials that have them.");
        }
        if (error.isPresent() && error.get().equals("insufficient_scope")) {
            return new RegistryUnauthorizedException(registry + " refused " + operation + ": the token granted by "
                    + bearerRealm() + " does not cover scope '" + request.scope() + "' (insufficient_scope; the "
                    + "token service gave fewer rights than asked)." + where + " Ask for " + wanted + " rights on "
                    + repository + " for that user, or log in as one who has them.");
        }
        if (error.isPresent() && error.get().equals("invalid_token")) {
            return new RegistryUnauthorizedException(registry + " did not accept the token from " + bearerRealm()
                    + " for scope '" + request.scope() + "' (invalid_token) on " + operation + ", although the token "
                    + "was fresh. The token service and the registry disagree (issuer, service name, "
                    + "signing certificate or clock)." + where);
        }
        boolean hadCredentials = credentialFound;
        return new RegistryUnauthorizedException(registry + " answered HTTP 401 (unauthenticated) for " + operation
                + " with scope '" + request.scope() + "'" + (hadCredentials ? ": it refused the credentials." : ".")
                + where + (hadCredentials
                        ? " Check the user name and password, or log in again (docker login " + registry + ")."
                        : " Log in (docker login " + registry + "), or pass --username and --password-stdin."));
    }

    private String bearerRealm() {
        Challenge c = bearerChallenge;
        return c == null ? "the token service" : "the token service " + c.params().get("realm");
    }

    private static String repositoryOf(String scope) {
        String first = scope.trim().split("\\s+")[0];
        String[] parts = first.split(":");
        return parts.length >= 3 && parts[0].equals("repository") ? "repository " + parts[1] : "'" + first + "'";
    }

    private static Duration parseRetryAfter(HttpResponse<?> response) {
        Optional<String> value = response.headers().firstValue("Retry-After");
        if (value.isEmpty()) return Duration.ZERO;
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.get().trim())));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(1);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "cannot connect" + (e.getMessage() == null ? " (connection refused)" : ": " + e.getMessage());
        }
        if (e instanceof HttpTimeoutException) return "timed out: " + e.getMessage();
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    static void discard(HttpResponse<?> response) {
        if (response.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing a body we do not need
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryNetworkException("interrupted while waiting to retry");
        }
    }
}
