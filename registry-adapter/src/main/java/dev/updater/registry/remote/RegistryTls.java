package dev.updater.registry.remote;

import dev.updater.registry.CertificateFileException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How HTTPS connections to registries are verified: by the JVM's trust store, by that store plus the CA certificates
 * of {@code --ca-file} (a registry with a private CA), or not at all ({@code --insecure}: no certificate and no host
 * name check, for a lab registry whose certificate cannot be fixed). The same context serves the registry and the
 * token service it names.
 */
public final class RegistryTls {
    private static final RegistryTls JVM_DEFAULT = new RegistryTls(List.of(), List.of(), true);

    private final List<Path> caFiles;
    private final List<X509Certificate> extraAuthorities;
    private final boolean verify;

    private RegistryTls(List<Path> caFiles, List<X509Certificate> extraAuthorities, boolean verify) {
        this.caFiles = List.copyOf(caFiles);
        this.extraAuthorities = List.copyOf(extraAuthorities);
        this.verify = verify;
    }

    /** The JVM's trust store and host name verification: what a registry with a public certificate needs. */
    public static RegistryTls jvmDefault() {
        return JVM_DEFAULT;
    }

    /**
     * The JVM's trust store plus every certificate in {@code pemFiles} (each may hold several, as a CA bundle does).
     * Files are read now, so a wrong path is a usage error before any connection is made.
     */
    public static RegistryTls trusting(List<Path> pemFiles) {
        if (pemFiles.isEmpty()) return JVM_DEFAULT;
        List<X509Certificate> certificates = new ArrayList<>();
        for (Path file : pemFiles) {
            certificates.addAll(readCertificates(file));
        }
        return new RegistryTls(pemFiles, certificates, true);
    }

    /** No certificate or host name verification: the connection is encrypted, but to whoever answers. */
    public static RegistryTls insecure() {
        return new RegistryTls(List.of(), List.of(), false);
    }

    public boolean verifies() {
        return verify;
    }

    /** The {@code --ca-file} files in use, for messages about a certificate they did not make trusted. */
    public List<Path> caFiles() {
        return caFiles;
    }

    /** The SSL context for {@code HttpClient.Builder.sslContext}; empty means the JVM's default. */
    Optional<SSLContext> sslContext() {
        if (verify && extraAuthorities.isEmpty()) return Optional.empty();
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManager trust = verify ? withExtraAuthorities() : new TrustingEveryone();
            context.init(null, new TrustManager[] {trust}, null);
            return Optional.of(context);
        } catch (GeneralSecurityException e) {
            // The JDK always has TLS and PKIX; failing here is a broken JVM installation, not user input.
            throw new IllegalStateException("the JVM cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * One PKIX trust manager over the JVM's anchors and ours: the JDK's own checks (chain, validity, and host name,
     * which its extended trust manager does for java.net.http) stay exactly as they are for the default store.
     */
    private TrustManager withExtraAuthorities() throws GeneralSecurityException {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            anchors.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an empty key store", e);
        }
        int n = 0;
        for (X509Certificate c : defaultAuthorities()) {
            anchors.setCertificateEntry("jvm-" + n++, c);
        }
        for (X509Certificate c : extraAuthorities) {
            anchors.setCertificateEntry("ca-file-" + n++, c);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        for (TrustManager m : factory.getTrustManagers()) {
            if (m instanceof X509TrustManager) return m;
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    private static List<X509Certificate> defaultAuthorities() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        List<X509Certificate> all = new ArrayList<>();
        for (TrustManager m : factory.getTrustManagers()) {
            if (m instanceof X509TrustManager x) all.addAll(List.of(x.getAcceptedIssuers()));
        }
        return all;
    }

    private static List<X509Certificate> readCertificates(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CertificateFileException("--ca-file " + file + ": no such file; name a PEM file holding the "
                    + "registry's CA certificate (-----BEGIN CERTIFICATE-----)");
        }
        Collection<? extends Certificate> read;
        try (InputStream in = Files.newInputStream(file)) {
            read = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new CertificateFileException("--ca-file " + file + ": cannot read it (" + e.getMessage() + ")", e);
        } catch (CertificateException e) {
            throw new CertificateFileException("--ca-file " + file + " is not a PEM (or DER) X.509 certificate"
                    + " file; it must hold the registry's CA certificate (-----BEGIN CERTIFICATE-----)", e);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate c : read) {
            if (c instanceof X509Certificate x) certificates.add(x);
        }
        if (certificates.isEmpty()) {
            throw new CertificateFileException("--ca-file " + file + " holds no certificate; it must hold the "
                    + "registry's CA certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /**
     * {@code --insecure}. Extended, so the JDK does not wrap it in its host name check: skipping that check is the
     * point of the option (a lab registry reached by an address its certificate does not name).
     */
    private static final class TrustingEveryone extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
