package dev.updater.registry.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.Credential;
import dev.updater.registry.RegistryNetworkException;
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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP to one registry: authentication (basic, and the bearer token flow of the distribution token spec), retries
 * with backoff on connection errors, 429 and 5xx, and redirects without leaking credentials to other hosts. Each
 * registry operation is described by its caller; this class only runs requests.
 */
public final class RegistryHttp {
    private static final Pattern AUTH_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private final String registry;
    private final URI base;
    private final HttpClient client;
    private final RegistryCredentials credentials;
    private final RetryPolicy retry;
    private final Duration requestTimeout;
    /** Bearer tokens by scope: a pull token must not be reused for a push. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private volatile String basicHeader;
    private volatile boolean credentialsLoaded;

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
                if (status == 401 && !reauthenticated) {
                    reauthenticated = true;
                    if (authenticate(response, request.scope())) {
                        attempt--;
                        discard(response);
                        continue;
                    }
                }
                if (status == 401 || status == 403) {
                    discard(response);
                    throw unauthorized(request, status);
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
                authorization(request.scope()).ifPresent(h -> b.header("Authorization", h));
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

    private Optional<String> authorization(String scope) {
        String token = tokens.get(scope);
        if (token != null) return Optional.of("Bearer " + token);
        return Optional.ofNullable(basicHeader);
    }

    /** Answers a 401 challenge: basic credentials, or a bearer token from the realm. False if we have nothing. */
    private boolean authenticate(HttpResponse<?> challenge, String scope) throws IOException {
        String header = challenge.headers().firstValue("WWW-Authenticate").orElse("");
        Optional<Credential> credential = loadCredential();
        if (header.regionMatches(true, 0, "Basic", 0, 5)) {
            if (credential.isEmpty()) return false;
            basicHeader = basic(credential.get());
            return true;
        }
        if (!header.regionMatches(true, 0, "Bearer", 0, 6)) {
            return false;
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = AUTH_PARAM.matcher(header);
        while (m.find()) params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        String realm = params.get("realm");
        if (realm == null) {
            throw new RegistryUnauthorizedException(registry + " asked for a bearer token without a realm");
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
        }
        url.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.toString())).timeout(requestTimeout).GET();
        credential.ifPresent(c -> b.header("Authorization", basic(c)));
        HttpResponse<byte[]> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new RegistryUnauthorizedException("the token service of " + registry + " (" + realm
                    + ") refused " + (credential.isPresent() ? "our credentials" : "anonymous access")
                    + " for scope '" + scope + "'. Credentials were looked for in: " + lookedIn()
                    + ". Log in (docker login " + registry + "), or pass --username and --password-stdin.");
        }
        if (response.statusCode() != 200) {
            throw new RegistryNetworkException("the token service " + realm + " answered HTTP "
                    + response.statusCode());
        }
        JsonNode body = Json.parse(response.body(), "token response");
        String token = body.hasNonNull("token") ? body.get("token").asText()
                : body.hasNonNull("access_token") ? body.get("access_token").asText() : null;
        if (token == null || token.isEmpty()) {
            throw new RegistryNetworkException("the token service " + realm + " returned no token");
        }
        tokens.put(scope, token);
        return true;
    }

    private Optional<Credential> loadCredential() {
        Optional<Credential> c = credentials.forRegistry(registry);
        credentialsLoaded = true;
        return c;
    }

    private String lookedIn() {
        return credentialsLoaded ? String.join(", ", credentials.lookedIn()) : "(nowhere yet)";
    }

    private static String basic(Credential c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.getUsername() + ":" + c.getPassword())
                .getBytes(StandardCharsets.UTF_8));
    }

    private RegistryUnauthorizedException unauthorized(Request request, int status) {
        return new RegistryUnauthorizedException(registry + " answered HTTP " + status + " ("
                + (status == 401 ? "unauthenticated" : "forbidden") + ") for " + request.method() + " "
                + request.uri().getPath() + " with scope '" + request.scope() + "'. Credentials were looked for in: "
                + lookedIn() + ". Log in (docker login " + registry + "), pass --username and --password-stdin, "
                + "or ask for " + (request.scope().endsWith("push") || request.scope().contains("push")
                        ? "push" : "pull") + " rights on the repository.");
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
