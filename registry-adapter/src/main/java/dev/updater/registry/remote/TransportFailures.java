package dev.updater.registry.remote;

import dev.updater.schema.UntrustedText;
import dev.updater.registry.RegistryException;
import dev.updater.registry.RegistryNetworkException;
import dev.updater.registry.RegistryProtocolException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * What a failed connection means. Some failures repeat identically on every attempt, so retrying them only makes
 * a user wait for the same answer: a host name that does not resolve, a TLS handshake with a server that speaks
 * plain HTTP, a certificate the JVM does not trust. Those end the command at once with the likely fix; anything
 * else (refused, reset, timed out) may be a flaky link and is retried.
 */
final class TransportFailures {
    private TransportFailures() {}

    /**
     * The failure to report without retrying, if {@code e} is one that cannot improve. {@code hostPort} is where we
     * were connecting, {@code tls} whether we spoke HTTPS.
     */
    static Optional<RegistryException> permanent(IOException e, String hostPort, String host, boolean tls) {
        if (e instanceof ProtocolException) {
            // java.net.http found the response itself malformed (a header with control characters, a bad status
            // line, a lying length): the same bytes would come again.
            return Optional.of(new RegistryProtocolException(hostPort + " sent a malformed HTTP response: "
                    + UntrustedText.quoteLong(String.valueOf(e.getMessage()))));
        }
        if (causedBy(e, UnresolvedAddressException.class) || causedBy(e, UnknownHostException.class)) {
            return Optional.of(new RegistryNetworkException("the host name " + UntrustedText.quoteLong(host)
                    + " did not resolve "
                    + "(DNS has no address for it); check the spelling of the registry in the reference, and the "
                    + "DNS settings of this machine", e));
        }
        if (!tls) return Optional.empty();
        Optional<CertificateException> certificate = cause(e, CertificateException.class);
        if (certificate.isPresent()) {
            String detail = String.valueOf(certificate.get().getMessage());
            boolean wrongName = detail.contains("No subject alternative") || detail.contains("No name matching");
            return Optional.of(new RegistryNetworkException(wrongName
                    ? "the TLS certificate of " + hostPort + " is not valid for that name (" + firstLine(detail)
                            + "); use the host name the certificate was issued for"
                    : "the TLS certificate of " + hostPort + " is not trusted (" + firstLine(detail) + "). If this "
                            + "registry uses a private CA, add that CA to the JVM trust store (the cacerts file, or "
                            + "-Djavax.net.ssl.trustStore=FILE in JAVA_TOOL_OPTIONS); a --ca-file option is "
                            + "planned", e));
        }
        // "Unrecognized SSL message, plaintext connection?": the server answered the ClientHello in plain HTTP.
        if (e instanceof SSLHandshakeException || (e instanceof SSLException && String.valueOf(e.getMessage())
                .contains("SSL message"))) {
            return Optional.of(new RegistryNetworkException("the TLS handshake with " + hostPort + " failed ("
                    + firstLine(String.valueOf(e.getMessage())) + "): the registry probably speaks plain HTTP. If "
                    + "it does (a registry on loopback or a lab network), add --plain-http", e));
        }
        return Optional.empty();
    }

    /** A retryable failure, described for the message shown when the retries are used up. */
    static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "cannot connect" + (e.getMessage() == null ? " (connection refused)" : ": " + e.getMessage());
        }
        if (e instanceof HttpTimeoutException) return "timed out: " + e.getMessage();
        // JDK messages may quote what the server sent.
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + UntrustedText.quoteLong(e.getMessage()));
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        return cause(e, type).isPresent();
    }

    private static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) return Optional.of(type.cast(t));
        }
        return Optional.empty();
    }

    private static String firstLine(String s) {
        int newline = s.indexOf('\n');
        return newline < 0 ? s : s.substring(0, newline);
    }
}
