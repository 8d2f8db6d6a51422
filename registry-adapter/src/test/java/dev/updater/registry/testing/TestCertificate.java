package dev.updater.registry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed ECDSA P-256 certificate made on the spot, as PEM files a registry and a client can use:
 * {@code certificate()} (what {@code --ca-file} takes) and {@code privateKey()}. It names {@code names} as DNS names
 * and 127.0.0.1 as its IP address, so a client that connects to 127.0.0.1 checks the host name and passes.
 */
public record TestCertificate(Path certificate, Path privateKey) {

    public static TestCertificate create(Path dir, String commonName, String... dnsNames) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair key = generator.generateKeyPair();
            X500Name name = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(1))), name, key.getPublic());
            GeneralName[] alternatives = new GeneralName[dnsNames.length + 1];
            alternatives[0] = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
            for (int i = 0; i < dnsNames.length; i++) {
                alternatives[i + 1] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                    .build(key.getPrivate()));
            Files.createDirectories(dir);
            Path certificate = dir.resolve(commonName + ".crt.pem");
            Path privateKey = dir.resolve(commonName + ".key.pem");
            writePem(certificate, holder);
            // PKCS#8 ("PRIVATE KEY"), which Go's TLS reads; BC's writer would emit the SEC1 form.
            Files.writeString(privateKey, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64,
                    new byte[] {'\n'}).encodeToString(key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
            return new TestCertificate(certificate, privateKey);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writePem(Path file, Object object) throws IOException {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(object);
        }
    }

    /** The {@code http.tls} section (indented under {@code http:}) of a distribution config serving this certificate. */
    public String registryConfig() {
        return "  tls:\n    certificate: " + certificate + "\n    key: " + privateKey + "\n";
    }
}
