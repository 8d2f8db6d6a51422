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
    /** How certificates were checked: the fix a message suggests depends on what was already tried. */
    private final RegistryTls settings;

    TransportFailures(RegistryTls settings) {
        this.settings = settings;
    }

    /**
     * The failure to report without retrying, if {@code e} is one that cannot improve. {@code hostPort} is where we
     * were connecting, {@code tls} whether we spoke HTTPS.
     */
    Optional<RegistryException> permanent(IOException e, String hostPort, String host, boolean tls) {
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
                            + "); use the host name the certificate was issued for, or, on a network you trust, "
                            + "--insecure (no certificate or host name check)"
                    : "the TLS certificate of " + hostPort + " is not trusted (" + firstLine(detail) + "). "
                            + untrustedAdvice(), e));
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

    private String untrustedAdvice() {
        String insecure = " On a network you trust, --insecure skips the check (the connection is still encrypted,"
                + " but to whoever answers).";
        if (settings.caFiles().isEmpty()) {
            return "If the registry uses a private CA or a self-signed certificate, pass that certificate with "
                    + "--ca-file PEM (repeatable; trusted besides the JVM's trust store)." + insecure;
        }
        return "Neither the JVM's trust store nor --ca-file " + settings.caFiles().stream().map(Object::toString)
                .reduce((a, b) -> a + ", " + b).orElse("") + " holds the CA that issued it: pass the certificate "
                + "of that CA (the root or intermediate the registry's chain ends at) with --ca-file." + insecure;
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
