package dev.updater.registry.remote;

import dev.updater.schema.UntrustedText;
import com.google.cloud.tools.jib.api.Credential;
import dev.updater.registry.RegistryException;
import dev.updater.registry.RegistryNetworkException;
import dev.updater.registry.RegistryProtocolException;
import dev.updater.registry.RegistryUnauthorizedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * HTTP to one registry: authentication (basic, and the bearer token flow of the distribution token spec), retries
 * with backoff on connection errors, 429 and 5xx, and redirects without leaking credentials to other hosts. Each
 * registry operation is described by its caller; this class only runs requests.
 */
public final class RegistryHttp {
    private final String registry;
    private final URI base;
    private final Duration connectTimeout;
    private final RegistryTls tls;
    /** Built on first use: a pull that reads only manifests and blobs never needs it (see UrlConnectionTransport). */
    private HttpClient client;
    private final RegistryCredentials credentials;
    private final RetryPolicy retry;
    private final Duration requestTimeout;
    private final TokenService tokenService;
    private final TransportFailures failures;
    private final Redirects redirects;
    private final UrlConnectionTransport reads;
    /** The registry's bearer challenge once seen: where to fetch tokens for further scopes. */
    private volatile Challenge bearerChallenge;
    private volatile String basicHeader;
    private volatile boolean credentialsLoaded;
    private volatile boolean credentialFound;
    private Optional<Credential> cachedCredential = Optional.empty();
    private List<String> lookedIn = List.of();

    public RegistryHttp(String registry, boolean plainHttp, RegistryTls tls, RegistryCredentials credentials,
            RetryPolicy retry, Duration connectTimeout, Duration requestTimeout) {
        this.registry = registry;
        this.base = URI.create((plainHttp ? "http://" : "https://") + registry);
        this.credentials = credentials;
        this.retry = retry;
        this.requestTimeout = requestTimeout;
        this.failures = new TransportFailures(tls);
        this.connectTimeout = connectTimeout;
        this.tls = tls;
        this.reads = new UrlConnectionTransport(this, tls, connectTimeout);
        this.tokenService = new TokenService(registry, base, this::client, reads, requestTimeout,
                this::loadCredential, this::lookedIn, failures);
        this.redirects = new Redirects(registry, this::sameOrigin);
    }

    /**
     * The java.net.http client, for requests with a body (uploads, manifest pushes, refresh-token exchanges), tag
     * lists and deletes.
     * Made on first use: building one costs about 0.3 s of CPU and 20 MB of memory at start-up (measured on this
     * JDK 17: a cold HttpClient.newBuilder().build() 0.33 s CPU and 59 MB peak RSS, an HttpURLConnection 0.07 s and
     * 39 MB), which a pull that only reads manifests and blobs does not need to pay.
     */
    /** Whether {@link #client()} was needed so far: a pull that only reads never needs it. */
    synchronized boolean javaNetHttpClientBuilt() {
        return client != null;
    }

    synchronized HttpClient client() {
        if (client == null) {
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .version(HttpClient.Version.HTTP_1_1);
            tls.sslContext().ifPresent(builder::sslContext);
            client = builder.build();
        }
        return client;
    }

    public String registry() {
        return registry;
    }

    public RetryPolicy retryPolicy() {
        return retry;
    }

    /** GETs and HEADs (manifests, blobs, their probes), on a leaner client than java.net.http. */
    UrlConnectionTransport reads() {
        return reads;
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
        return send(request, handler, retry.budget());
    }

    /**
     * Same, spending {@code budget}: the requests of one operation that sends several (the resumed GETs of one blob
     * transfer) share one budget, so the operation as a whole gets the policy's attempts.
     */
    public <T> HttpResponse<T> send(Request request, HttpResponse.BodyHandler<T> handler, RetryBudget budget) {
        return exchange(request, budget, (uri, authorization) -> new JdkExchange<>(sendOnce(request, uri,
                authorization, handler))).response();
    }

    /**
     * The one retry, authentication and redirect policy, over any transport: {@code hop} sends one request to one
     * URI; this decides what its answer means (a 401 to answer once with fresh credentials, a 429 or 5xx or a broken
     * connection to retry on {@code budget}, a failure that cannot improve to report now).
     */
    <E extends Exchange> E exchange(Request request, RetryBudget budget, Exchange.Hop<E> hop) {
        RuntimeException lastFailure = null;
        boolean reauthenticated = false;
        while (true) {
            budget.attemptStarted();
            Duration retryAfter = Duration.ZERO;
            try {
                E response = redirects.follow(request, hop, () -> authorization(request.scope()));
                int status = response.status();
                if ((status == 401 || status == 403) && !sameOrigin(response.uri())) {
                    // Whoever a redirect or link led us to has no claim on our credentials or token service.
                    response.discard();
                    throw new RegistryUnauthorizedException(registry + " sent " + request.method() + " "
                            + request.uri().getPath() + " on to " + UntrustedText.quoteLong(hostPort(response.uri()))
                            + ", which refused it (HTTP " + status + "); credentials for " + registry
                            + " are never sent to another host");
                }
                if (status == 401 || status == 403) {
                    List<Challenge> challenges = Challenge.parse(response.headers("WWW-Authenticate"));
                    response.discard();
                    // One fresh authentication per request: a cached token may have expired or been revoked at the
                    // registry; a second refusal is final.
                    if (status == 401 && !reauthenticated) {
                        reauthenticated = true;
                        tokenService.forget(request.scope());
                        if (authenticate(challenges, request.scope())) {
                            budget.notAnAttempt();
                            continue;
                        }
                    }
                    throw unauthorized(request, status, challenges);
                }
                if (status == 429 || status >= 500) {
                    Optional<RetryAfter> wish = RetryAfter.parse(response.header("Retry-After"), Instant.now());
                    response.discard();
                    String answer = registry + " answered HTTP " + status + " to " + request.method() + " "
                            + request.uri().getPath();
                    if (wish.isPresent()) {
                        checkWillingToWait(answer, wish.get(), budget);
                        retryAfter = wish.get().delay();
                    }
                    lastFailure = new RegistryNetworkException(answer);
                } else {
                    return response;
                }
            } catch (IOException e) {
                Optional<RegistryException> permanent = failures.permanent(e,
                        hostPort(request.uri()), String.valueOf(request.uri().getHost()),
                        "https".equals(request.uri().getScheme()));
                if (permanent.isPresent()) throw permanent.get();
                lastFailure = new RegistryNetworkException(TransportFailures.describe(e) + " (" + request.method()
                        + " " + request.uri().getPath() + ")", e);
            }
            if (!budget.canRetry()) {
                int attempts = budget.attempts();
                throw new RegistryNetworkException(lastFailure.getMessage() + "; gave up after " + attempts
                        + " attempt" + (attempts == 1 ? "" : "s") + ". Check the registry address and the network, "
                        + "then try again.", lastFailure.getCause());
            }
            sleep(budget.delayBeforeNext(retryAfter));
        }
    }

    /**
     * A server that asks us to come back later than we are prepared to wait gets its answer now rather than after a
     * shorter wait it did not ask for (which would only earn another 429) or a wait that outlives the retry budget.
     */
    private static void checkWillingToWait(String answer, RetryAfter wish, RetryBudget budget) {
        Duration left = budget.timeLeft();
        RetryPolicy retry = budget.policy();
        Duration limit = retry.longestServerWait().compareTo(left) < 0 ? retry.longestServerWait() : left;
        if (retry.maxAttempts() > 1 && wish.delay().compareTo(limit) > 0) {
            throw new RegistryNetworkException(answer + " and asked to retry after " + describe(wish.delay())
                    + " (Retry-After: " + UntrustedText.quote(wish.sent(), 80) + "), longer than this command waits ("
                    + describe(limit) + "); gave up without retrying. Try again later.");
        }
    }

    private static String describe(Duration d) {
        long s = d.getSeconds();
        return s >= 86_400 ? (s / 86_400) + " days" : s >= 3600 ? (s / 3600) + " h" : s + " s";
    }

    static String hostPort(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        return uri.getHost() + ":" + port;
    }

    /** One java.net.http request to one URI (redirects are {@link Redirects}' to follow). */
    private <T> HttpResponse<T> sendOnce(Request request, URI uri, Optional<String> authorization,
            HttpResponse.BodyHandler<T> handler) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(requestTimeout);
        request.headers().forEach(b::header);
        b.header("User-Agent", USER_AGENT);
        authorization.ifPresent(a -> b.header("Authorization", a));
        b.method(request.method(), request.body().map(Supplier::get).orElse(HttpRequest.BodyPublishers.noBody()));
        try {
            return client().send(b.build(), handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static final String USER_AGENT = "update/1 (oci-update-toolchain)";

    private boolean sameOrigin(URI uri) {
        return base.getScheme().equalsIgnoreCase(String.valueOf(uri.getScheme()))
                && base.getAuthority().equalsIgnoreCase(String.valueOf(uri.getRawAuthority()));
    }

    /**
     * The Authorization header for a request needing {@code scope}. Once the registry has shown a bearer challenge,
     * a token for a new scope (or one about to expire) is fetched before the request, so a streamed upload is not
     * sent once just to learn that it needs another token.
     */
    private Optional<String> authorization(String scope) throws IOException {
        Challenge bearer = bearerChallenge;
        if (bearer != null) {
            return Optional.of(tokenService.authorization(bearer, scope));
        }
        return Optional.ofNullable(basicHeader);
    }

    /** Answers a 401 challenge: a bearer token from the realm, or basic credentials. False if we have nothing. */
    private boolean authenticate(List<Challenge> challenges, String scope) throws IOException {
        Optional<Challenge> bearer = challenges.stream()
                .filter(c -> c.scheme().equalsIgnoreCase("Bearer") && c.params().containsKey("realm")).findFirst();
        if (bearer.isPresent()) {
            tokenService.checkedRealm(bearer.get().params().get("realm"));
            bearerChallenge = bearer.get();
            tokenService.fetch(bearer.get(), scope);
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

    static String basic(Credential c) {
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
                        ? " Check the user name and password, or log in again (update login " + registry + ")."
                        : " Log in (update login " + registry + "), or pass --username and --password-stdin."));
    }

    private String bearerRealm() {
        Challenge c = bearerChallenge;
        return c == null ? "the token service" : "the token service " + UntrustedText.quoteLong(c.params().get("realm"));
    }

    private static String repositoryOf(String scope) {
        String first = scope.trim().split("\\s+")[0];
        String[] parts = first.split(":");
        return parts.length >= 3 && parts[0].equals("repository") ? "repository " + parts[1] : "'" + first + "'";
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
