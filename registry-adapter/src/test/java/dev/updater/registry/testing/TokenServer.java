package dev.updater.registry.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A token service for distribution's {@code auth.token} (the flow Harbor and GHCR use), on 127.0.0.1: it answers
 * {@code GET /token?service=..&scope=..} with an RS256 JWT whose header carries the {@code x5c} certificate that
 * {@link #registryConfig()} makes the registry trust. Each account is granted only the actions it is allowed,
 * whatever it asks for; wrong passwords get a 401. It counts requests and remembers the tokens it issued, so tests
 * can check that none of them leaks into output.
 */
public final class TokenServer implements AutoCloseable {
    public static final String SERVICE = "test-registry";
    public static final String ISSUER = "test-token-issuer";

    /** A user, its password, and the actions it gets on every repository. */
    public record Account(String user, String password, Set<String> actions) {
        public Account {
            actions = Set.copyOf(actions);
        }
    }

    private static KeyPair sharedKey;
    private final HttpServer server;
    private final KeyPair key;
    private final String certificateBase64;
    private final Path bundle;
    private final Map<String, Account> accounts;
    private final Set<String> anonymousActions;
    private final long expiresInSeconds;
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, AtomicInteger> alreadyExpiredToIssue = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> issued = new CopyOnWriteArrayList<>();
    private final List<String> scopesAsked = new CopyOnWriteArrayList<>();

    private TokenServer(List<Account> accounts, Set<String> anonymousActions, Duration expiresIn, Path dir)
            throws IOException, GeneralSecurityException {
        this.accounts = accounts.stream().collect(java.util.stream.Collectors.toMap(Account::user, a -> a));
        this.anonymousActions = Set.copyOf(anonymousActions);
        this.expiresInSeconds = expiresIn.toSeconds();
        this.key = signingKey();
        X509CertificateHolder certificate = selfSigned(key);
        this.certificateBase64 = Base64.getEncoder().encodeToString(certificate.getEncoded());
        this.bundle = dir.resolve("token-ca.pem");
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(certificate);
        }
        Files.writeString(bundle, pem.toString());
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::handle);
        server.start();
    }

    /** One RSA key per test JVM: generating it is the slowest part of starting a token service. */
    private static synchronized KeyPair signingKey() throws GeneralSecurityException {
        if (sharedKey == null) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            sharedKey = generator.generateKeyPair();
        }
        return sharedKey;
    }

    /** Starts a token service; the trusted certificate is written into {@code dir}. */
    public static TokenServer start(List<Account> accounts, Set<String> anonymousActions, Duration expiresIn,
            Path dir) {
        try {
            return new TokenServer(accounts, anonymousActions, expiresIn, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509CertificateHolder selfSigned(KeyPair key) throws GeneralSecurityException {
        X500Name name = new X500Name("CN=test token issuer");
        Instant now = Instant.now();
        try {
            return new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))), name,
                    key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate()));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** The {@code auth:} section to pass to {@link LocalRegistry#start(String)}. */
    public String registryConfig() {
        return "auth:\n  token:\n    realm: " + realm() + "\n    service: " + SERVICE + "\n    issuer: " + ISSUER
                + "\n    rootcertbundle: " + bundle + "\n";
    }

    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** Token requests answered so far (granted or refused). */
    public int requests() {
        return requests.get();
    }

    /** Every token issued so far. */
    public List<String> issuedTokens() {
        return List.copyOf(issued);
    }

    /** The scope parameters of every request so far, in order. */
    public List<String> scopesAsked() {
        return List.copyOf(scopesAsked);
    }

    /**
     * The next {@code count} tokens for exactly {@code scope} expired long before they are issued (beyond the
     * registry's 60 s leeway) while the response still says {@code expires_in}: the registry refuses them as it
     * would refuse a revoked token.
     */
    public void issueExpiredTokens(String scope, int count) {
        alreadyExpiredToIssue.put(scope, new AtomicInteger(count));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            Optional<String> user = Optional.empty();
            Set<String> allowed = anonymousActions;
            boolean post = exchange.getRequestMethod().equals("POST");
            String query = post ? new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    : Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
            List<String> scopes = new ArrayList<>();
            String service = null;
            String refreshToken = null;
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq < 0) continue;
                String name = pair.substring(0, eq);
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (name.equals("scope")) scopes.addAll(List.of(value.split(" ")));
                if (name.equals("service")) service = value;
                if (name.equals("refresh_token")) refreshToken = value;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (post) {
                // OAuth2 refresh-token grant (docker's identity tokens): here an account's password is its token.
                String token = refreshToken;
                Optional<Account> account = accounts.values().stream().filter(a -> a.password().equals(token))
                        .findFirst();
                if (!query.contains("grant_type=refresh_token") || account.isEmpty()) {
                    respond(exchange, 401, "{\"details\":\"invalid refresh token\"}");
                    return;
                }
                user = Optional.of(account.get().user());
                allowed = account.get().actions();
            } else if (authorization != null && authorization.startsWith("Basic ")) {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6)),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                Account account = accounts.get(decoded.substring(0, Math.max(colon, 0)));
                if (colon < 0 || account == null || !account.password().equals(decoded.substring(colon + 1))) {
                    respond(exchange, 401, "{\"details\":\"incorrect username or password\"}");
                    return;
                }
                user = Optional.of(account.user());
                allowed = account.actions();
            }
            scopesAsked.addAll(scopes);
            if (!SERVICE.equals(service)) {
                respond(exchange, 400, "{\"details\":\"unknown service\"}");
                return;
            }
            StringBuilder access = new StringBuilder("[");
            for (String scope : scopes) {
                String[] parts = scope.split(":");
                if (parts.length != 3) continue;
                Set<String> granted = new LinkedHashSet<>();
                for (String action : parts[2].split(",")) {
                    if (allowed.contains(action)) granted.add(action);
                }
                if (access.length() > 1) access.append(',');
                access.append("{\"type\":\"").append(parts[0]).append("\",\"name\":\"").append(parts[1])
                        .append("\",\"actions\":[");
                access.append(String.join(",", granted.stream().map(a -> "\"" + a + "\"").toList()));
                access.append("]}");
            }
            access.append(']');
            long now = Instant.now().getEpochSecond();
            AtomicInteger expired = alreadyExpiredToIssue.get(String.join(" ", scopes));
            if (expired != null && expired.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                now -= 3600;
            }
            String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + user.orElse("") + "\",\"aud\":\"" + SERVICE
                    + "\",\"exp\":" + (now + expiresInSeconds) + ",\"nbf\":" + (now - 1) + ",\"iat\":" + now
                    + ",\"jti\":\"" + UUID.randomUUID() + "\",\"access\":" + access + "}";
            String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5c\":[\"" + certificateBase64 + "\"]}";
            String token = sign(header, claims);
            issued.add(token);
            respond(exchange, 200, "{\"token\":\"" + token + "\",\"access_token\":\"" + token
                    + "\",\"expires_in\":" + expiresInSeconds + ",\"issued_at\":\"" + Instant.now() + "\"}");
        }
    }

    private String sign(String header, String claims) {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String signingInput = url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key.getPrivate());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + url.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
