package dev.updater.signing;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519phSigner;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * A private key that signs releases, with its public half. Held as PKCS#8 DER, the form cosign stores inside its
 * encrypted key files. Signs the way cosign does: ECDSA P-256 as SHA256withECDSA (DER), Ed25519 as Ed25519ph.
 */
public final class SigningKey {
    private final byte[] pkcs8;
    private final VerificationKey publicKey;

    private SigningKey(byte[] pkcs8, VerificationKey publicKey) {
        this.pkcs8 = pkcs8.clone();
        this.publicKey = publicKey;
    }

    /** A fresh key pair. */
    public static SigningKey generate(KeyAlgorithm algorithm) {
        try {
            KeyPairGenerator generator;
            if (algorithm == KeyAlgorithm.ECDSA_P256) {
                generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            } else {
                generator = KeyPairGenerator.getInstance("Ed25519");
            }
            return fromPkcs8(generator.generateKeyPair().getPrivate().getEncoded(), "generated key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Java runtime cannot generate " + algorithm + " keys", e);
        }
    }

    /**
     * Reads an unencrypted PKCS#8 private key. SEC1 ("EC PRIVATE KEY") and PKCS#1 RSA structures are recognised and
     * refused by name, as are RSA keys and EC keys on other curves than P-256.
     */
    public static SigningKey fromPkcs8(byte[] der, String source) {
        PrivateKeyInfo info = readPrivateKeyInfo(der, source);
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            VerificationKey.requireP256(info.getPrivateKeyAlgorithm().getParameters(), source, "private");
        } else if (!oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            throw new KeyFileException(source, "found a " + VerificationKey.describeAlgorithm(oid)
                    + " private key; only Ed25519 and ECDSA P-256 keys are supported");
        }
        try {
            AsymmetricKeyParameter publicParameters = publicHalf(PrivateKeyFactory.createKey(info));
            byte[] spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(publicParameters).getEncoded();
            return new SigningKey(der, VerificationKey.fromSubjectPublicKeyInfo(spki, source));
        } catch (IOException | RuntimeException e) {
            if (e instanceof KeyFileException k) throw k;
            throw new KeyFileException(source, "the PKCS#8 private key is damaged: " + e.getMessage(), e);
        }
    }

    private static PrivateKeyInfo readPrivateKeyInfo(byte[] der, String source) {
        ASN1Sequence sequence;
        try {
            sequence = ASN1Sequence.getInstance(der);
        } catch (RuntimeException e) {
            throw new KeyFileException(source, "the private key is not DER (ASN.1) data", e);
        }
        if (sequence.size() >= 2 && sequence.getObjectAt(1) instanceof ASN1OctetString) {
            // SEQUENCE { version 1, OCTET STRING d, [0] curve, [1] Q } is SEC1, which cosign refuses too.
            throw new KeyFileException(source, "found a SEC1 'EC PRIVATE KEY', not PKCS#8; convert it with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in KEY' and import that");
        }
        if (sequence.size() >= 3 && !(sequence.getObjectAt(1) instanceof ASN1Sequence)) {
            // SEQUENCE { version, modulus, publicExponent, ... } is a PKCS#1 RSA private key.
            throw new KeyFileException(source, "found a PKCS#1 RSA private key; only Ed25519 and ECDSA P-256 keys"
                    + " are supported");
        }
        try {
            return PrivateKeyInfo.getInstance(sequence);
        } catch (RuntimeException e) {
            throw new KeyFileException(source, "the private key is not a PKCS#8 PrivateKeyInfo", e);
        }
    }

    private static AsymmetricKeyParameter publicHalf(AsymmetricKeyParameter privateParameters) {
        if (privateParameters instanceof Ed25519PrivateKeyParameters ed) {
            return ed.generatePublicKey();
        }
        ECPrivateKeyParameters ec = (ECPrivateKeyParameters) privateParameters;
        return new ECPublicKeyParameters(ec.getParameters().getG().multiply(ec.getD()).normalize(),
                ec.getParameters());
    }

    public KeyAlgorithm algorithm() {
        return publicKey.algorithm();
    }

    public VerificationKey publicKey() {
        return publicKey;
    }

    /** The unencrypted PKCS#8 DER; only for writing it encrypted. */
    byte[] pkcs8() {
        return pkcs8.clone();
    }

    /** Signs {@code message} as cosign does for this key type. */
    public byte[] sign(byte[] message) {
        return switch (algorithm()) {
            case ECDSA_P256 -> signEcdsa(message);
            case ED25519 -> signEd25519ph(message);
        };
    }

    private byte[] signEcdsa(byte[] message) {
        try {
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key, new SecureRandom());
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Java runtime cannot sign with ECDSA P-256", e);
        }
    }

    private byte[] signEd25519ph(byte[] message) {
        try {
            Ed25519PrivateKeyParameters key =
                    (Ed25519PrivateKeyParameters) PrivateKeyFactory.createKey(PrivateKeyInfo.getInstance(pkcs8));
            Ed25519phSigner signer = new Ed25519phSigner(new byte[0]);
            signer.init(true, key);
            signer.update(message, 0, message.length);
            return signer.generateSignature();
        } catch (IOException e) {
            throw new IllegalStateException("a key that loaded cannot be re-read", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningKey other && Arrays.equals(pkcs8, other.pkcs8);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pkcs8);
    }

    @Override
    public String toString() {
        return "private " + publicKey; // never the key material
    }
}
