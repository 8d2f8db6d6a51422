package dev.updater.signing;

import dev.updater.schema.Digest;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.Ed25519phSigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A public key that may verify release signatures: ECDSA P-256 or Ed25519, held as its PKIX (SubjectPublicKeyInfo)
 * encoding. Two keys are the same key when their encodings are equal; {@link #fingerprint()} is the sha256 of it,
 * which is how thresholds count distinct signers.
 */
public final class VerificationKey {
    private static final int ED25519_SIGNATURE_LENGTH = 64;

    private final KeyAlgorithm algorithm;
    private final byte[] subjectPublicKeyInfo;
    private final String source;

    private VerificationKey(KeyAlgorithm algorithm, byte[] subjectPublicKeyInfo, String source) {
        this.algorithm = algorithm;
        this.subjectPublicKeyInfo = subjectPublicKeyInfo.clone();
        this.source = source;
    }

    /** Reads a PEM {@code PUBLIC KEY} file (what {@code cosign generate-key-pair} writes as cosign.pub). */
    public static VerificationKey fromPem(byte[] file, String source) {
        Pem pem = Pem.parse(file, source);
        if (!pem.label().equals("PUBLIC KEY")) {
            throw new KeyFileException(source, "expected a PEM 'PUBLIC KEY' block, found '" + pem.label() + "'"
                    + (pem.label().contains("PRIVATE") ? " (this is a private key: pass the .pub file)" : ""));
        }
        return fromSubjectPublicKeyInfo(pem.der(), source);
    }

    /**
     * Reads a DER PKIX public key; only P-256 and Ed25519 keys are accepted, anything else is named and refused. A
     * P-256 point may be compressed (SEC1 {@code 02}/{@code 03} prefix, what some HSMs and KMSs export): it is
     * decompressed here, because the JDK's EC key factory accepts only uncompressed points, and so that the same
     * key counts as one signer whichever encoding each file uses. Every point is checked to lie on the curve now,
     * so a damaged key is a usage error at load time, not a verification failure later.
     */
    public static VerificationKey fromSubjectPublicKeyInfo(byte[] der, String source) {
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new KeyFileException(source, "the public key is not a valid PKIX SubjectPublicKeyInfo", e);
        }
        KeyAlgorithm algorithm = algorithmOf(info, source);
        return switch (algorithm) {
            case ECDSA_P256 -> new VerificationKey(algorithm, uncompressedP256(info, source), source);
            case ED25519 -> {
                if (info.getPublicKeyData().getPadBits() != 0
                        || info.getPublicKeyData().getOctets().length != Ed25519PublicKeyParameters.KEY_SIZE) {
                    throw new KeyFileException(source, "the Ed25519 public key is not "
                            + Ed25519PublicKeyParameters.KEY_SIZE + " bytes long");
                }
                yield new VerificationKey(algorithm, der, source);
            }
        };
    }

    /** The key's PKIX encoding with its point uncompressed, once the point is known to be on P-256. */
    private static byte[] uncompressedP256(SubjectPublicKeyInfo info, String source) {
        byte[] point = info.getPublicKeyData().getOctets();
        ECPoint decoded;
        try {
            decoded = ECNamedCurveTable.getByOID(X9ObjectIdentifiers.prime256v1).getCurve().decodePoint(point);
        } catch (IllegalArgumentException e) { // Bouncy Castle's word for "not a point on this curve"
            throw new KeyFileException(source, "the ECDSA P-256 public key is damaged: its " + point.length
                    + "-byte point is not a point on the curve in SEC1 encoding (compressed or uncompressed)", e);
        }
        if (decoded.isInfinity()) {
            throw new KeyFileException(source, "the ECDSA P-256 public key is the point at infinity");
        }
        try {
            return new SubjectPublicKeyInfo(info.getAlgorithm(), decoded.getEncoded(false)).getEncoded("DER");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("DER encoding of a public key in memory failed", e);
        }
    }

    static KeyAlgorithm algorithmOf(SubjectPublicKeyInfo info, String source) {
        ASN1ObjectIdentifier oid = info.getAlgorithm().getAlgorithm();
        if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            return KeyAlgorithm.ED25519;
        }
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            requireP256(info.getAlgorithm().getParameters(), source, "public");
            return KeyAlgorithm.ECDSA_P256;
        }
        throw new KeyFileException(source, "found a " + describeAlgorithm(oid)
                + " public key; only Ed25519 and ECDSA P-256 keys are supported");
    }

    static void requireP256(Object curveParameters, String source, String which) {
        if (!(curveParameters instanceof ASN1ObjectIdentifier curve)) {
            throw new KeyFileException(source, "found an EC " + which + " key with explicit curve parameters;"
                    + " only the named curve P-256 is supported");
        }
        if (!curve.equals(X9ObjectIdentifiers.prime256v1)) {
            String name = ECNamedCurveTable.getName(curve);
            throw new KeyFileException(source, "found an EC " + which + " key on curve "
                    + (name == null ? curve.getId() : name) + "; only ECDSA P-256 (prime256v1) is supported");
        }
    }

    static String describeAlgorithm(ASN1ObjectIdentifier oid) {
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) return "RSA";
        if (oid.equals(EdECObjectIdentifiers.id_Ed448)) return "Ed448";
        if (oid.equals(EdECObjectIdentifiers.id_X25519)) return "X25519";
        return "key of algorithm OID " + oid.getId();
    }

    public KeyAlgorithm algorithm() {
        return algorithm;
    }

    /** Where the key came from (a file name), for messages. */
    public String source() {
        return source;
    }

    public byte[] subjectPublicKeyInfo() {
        return subjectPublicKeyInfo.clone();
    }

    /** sha256 of the PKIX encoding: a stable, short name for the key in reports. */
    public Digest fingerprint() {
        return Digest.of(subjectPublicKeyInfo);
    }

    public byte[] toPem() {
        return Pem.encode("PUBLIC KEY", subjectPublicKeyInfo);
    }

    /**
     * Whether {@code signature} is this key's signature over {@code message}. For Ed25519 both Ed25519ph (what cosign
     * makes today) and pure Ed25519 (what cosign made before it switched) are accepted, as cosign's own verifier
     * does; a malformed signature is simply not valid.
     */
    public boolean verifies(byte[] message, byte[] signature) {
        return switch (algorithm) {
            case ECDSA_P256 -> verifiesEcdsa(message, signature);
            case ED25519 -> verifiesEd25519(message, signature);
        };
    }

    private boolean verifiesEcdsa(byte[] message, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(jcaPublicKey("EC"));
            verifier.update(message);
            return verifier.verify(signature);
        } catch (java.security.SignatureException e) {
            return false; // not DER, or out of range: not a valid signature
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Java runtime without ECDSA P-256 support", e);
        }
    }

    private boolean verifiesEd25519(byte[] message, byte[] signature) {
        if (signature.length != ED25519_SIGNATURE_LENGTH) {
            return false;
        }
        Ed25519PublicKeyParameters key = new Ed25519PublicKeyParameters(
                SubjectPublicKeyInfo.getInstance(subjectPublicKeyInfo).getPublicKeyData().getOctets());
        Ed25519phSigner prehashed = new Ed25519phSigner(new byte[0]);
        prehashed.init(false, key);
        prehashed.update(message, 0, message.length);
        if (prehashed.verifySignature(signature)) {
            return true;
        }
        Ed25519Signer pure = new Ed25519Signer();
        pure.init(false, key);
        pure.update(message, 0, message.length);
        return pure.verifySignature(signature);
    }

    PublicKey jcaPublicKey(String keyFactoryAlgorithm) throws GeneralSecurityException {
        return KeyFactory.getInstance(keyFactoryAlgorithm).generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKey other && Arrays.equals(subjectPublicKeyInfo, other.subjectPublicKeyInfo);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(subjectPublicKeyInfo);
    }

    @Override
    public String toString() {
        return algorithm + " key " + fingerprint().shortForm() + " (" + source + ")";
    }
}
