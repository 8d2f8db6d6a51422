package dev.updater.tuf;

import dev.updater.schema.tuf.MetadataTooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Fetches from a plain TUF repository over HTTP(S): {@code METADATA_URL/N.root.json}, {@code timestamp.json},
 * {@code role.json} or, under consistent snapshots, {@code N.role.json}; targets from {@code TARGETS_URL/path} or
 * {@code TARGETS_URL/dir/HASH.name}. Role names and path segments are percent-encoded. One GET per call, no retries:
 * the workflow decides what to fetch.
 */
public final class HttpMetadataFetcher implements MetadataFetcher {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final URI metadataBase;
    private final Optional<URI> targetBase;
    private final HttpClient client;

    public HttpMetadataFetcher(URI metadataBase, Optional<URI> targetBase) {
        this.metadataBase = withTrailingSlash(metadataBase);
        this.targetBase = targetBase.map(HttpMetadataFetcher::withTrailingSlash);
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (isPlainHttp(this.metadataBase) && this.targetBase.map(HttpMetadataFetcher::isPlainHttp).orElse(true)) {
            builder.sslContext(noTlsContext());
        }
        this.client = builder.build();
    }

    private static boolean isPlainHttp(URI uri) {
        return "http".equalsIgnoreCase(uri.getScheme());
    }

    /**
     * The default TLS context loads the whole CA store, which doubles this client's start-up; the conformance suite
     * starts it hundreds of times over plain http. Without trust managers the JDK rejects every certificate, so a
     * redirect to https fails closed rather than trusting anything.
     */
    private static javax.net.ssl.SSLContext noTlsContext() {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[0], null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has TLS", e);
        }
    }

    @Override
    public byte[] fetchMetadata(String roleName, OptionalLong version, long maxLength) {
        String name = (version.isPresent() ? version.getAsLong() + "." : "") + Names.quote(roleName) + ".json";
        URI uri = URI.create(metadataBase + name);
        try (InputStream body = get(uri, roleName + " metadata")) {
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxLength + 1));
            if (bytes.length > maxLength) throw new MetadataTooLargeException(roleName + " metadata at " + uri, maxLength);
            return bytes;
        } catch (IOException e) {
            throw new TufFetchException("cannot read " + uri + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream openTarget(String targetPath, Optional<String> hashPrefix) {
        URI base = targetBase.orElseThrow(() -> new IllegalStateException("no target base URL configured"));
        int slash = targetPath.lastIndexOf('/');
        String dir = slash < 0 ? "" : targetPath.substring(0, slash + 1);
        String file = targetPath.substring(slash + 1);
        String name = hashPrefix.map(h -> h + "." + file).orElse(file);
        URI uri = URI.create(base + Names.quotePath(dir + name));
        return get(uri, "target '" + targetPath + "'");
    }

    private InputStream get(URI uri, String what) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new TufFetchException("cannot fetch " + what + " from " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TufFetchException("interrupted while fetching " + uri, e);
        }
        int status = response.statusCode();
        if (status == 200) return response.body();
        closeQuietly(response.body());
        if (status == 403 || status == 404) throw new MetadataNotFoundException(what, uri.toString());
        throw new TufFetchException("fetching " + what + " from " + uri + " failed with HTTP status " + status
                + "; retry later or check the repository server");
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // the response is discarded anyway
        }
    }

    private static URI withTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? uri : URI.create(text + "/");
    }
}
