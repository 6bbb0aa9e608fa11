package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECPoint;

/**
 * An ECDSA P-256 public key that verifies signatures: what a verifier is given to trust. Read from a PKIX
 * {@code PUBLIC KEY} PEM block, as cosign writes {@code cosign.pub}. Two keys are equal when their encodings are.
 */
public final class VerificationKey {

    /** The PEM label of a PKIX public key. */
    public static final String PEM_LABEL = "PUBLIC KEY";

    private final ECPublicKeyParameters key;
    private final byte[] pkix;
    private final String keyId;

    private VerificationKey(ECPublicKeyParameters key, byte[] pkix) {
        this.key = key;
        this.pkix = pkix;
        this.keyId = Digest.sha256(pkix).hex();
    }

    /** Reads one public key from PEM text; see {@link #allFromPem} for files holding several. */
    public static VerificationKey fromPem(String pem, String source) {
        List<VerificationKey> keys = allFromPem(pem, source);
        if (keys.size() != 1) {
            throw EngineException.badInput(source + " holds " + keys.size() + " public keys where one is expected;"
                    + " give each key on its own");
        }
        return keys.get(0);
    }

    /** Every {@code PUBLIC KEY} block in the text; fails when there is none or one is not ECDSA P-256. */
    public static List<VerificationKey> allFromPem(String pem, String source) {
        List<VerificationKey> keys = new ArrayList<>();
        for (Pem.Block block : Pem.decode(pem, source)) {
            if (PEM_LABEL.equals(block.label())) {
                keys.add(fromPkix(block.der(), source));
            } else if (block.label().contains("PRIVATE KEY")) {
                block.wipe();
                throw EngineException.badInput(source + " holds a private key where a public key is expected;"
                        + " give the public key (cosign.pub) instead, and keep the private key secret");
            } else if (block.label().equals("CERTIFICATE")) {
                throw EngineException.badInput(source + " holds a certificate; certificate-based (keyless)"
                        + " verification is not supported: give the signer's PUBLIC KEY PEM");
            }
        }
        if (keys.isEmpty()) {
            throw EngineException.badInput(source + " holds no '-----BEGIN PUBLIC KEY-----' block; give the"
                    + " public key file cosign or `immutable keygen` wrote (cosign.pub)");
        }
        return keys;
    }

    /** A key from its DER SubjectPublicKeyInfo. */
    public static VerificationKey fromPkix(byte[] der, String source) {
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw EngineException.badInput(source + " holds a PUBLIC KEY block that is not a valid PKIX public key;"
                    + " export the key again");
        }
        KeyAlgorithms.requireP256(info.getAlgorithm(), source, "public");
        try {
            ECPoint point = KeyAlgorithms.CURVE.getCurve().decodePoint(info.getPublicKeyData().getOctets());
            return of(new ECPublicKeyParameters(point, KeyAlgorithms.DOMAIN));
        } catch (RuntimeException e) {
            throw EngineException.badInput(source + " holds an ECDSA P-256 public key whose point is not on the"
                    + " curve; export the key again");
        }
    }

    /** Wraps a point already known to be a valid P-256 public key. */
    static VerificationKey of(ECPublicKeyParameters key) {
        try {
            byte[] der = new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(KeyAlgorithms.EC_PUBLIC_KEY, KeyAlgorithms.P256),
                    key.getQ().getEncoded(false)).getEncoded(ASN1Encoding.DER);
            return new VerificationKey(key, der);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding in memory cannot fail", e);
        }
    }

    /** True when the DER-encoded ECDSA-SHA256 signature over the data verifies with this key. */
    public boolean verify(byte[] data, byte[] derSignature) {
        return KeyAlgorithms.verify(key, data, derSignature);
    }

    /** True when the DER ECDSA signature verifies over a message whose SHA-256 is given. */
    boolean verifyDigest(byte[] sha256, byte[] derSignature) {
        return KeyAlgorithms.verifyDigest(key, sha256, derSignature);
    }

    /** The key as a PEM block, as cosign writes {@code cosign.pub}. */
    public String toPem() {
        return Pem.encode(PEM_LABEL, pkix);
    }

    /** The DER SubjectPublicKeyInfo. */
    public byte[] pkix() {
        return pkix.clone();
    }

    /** Lowercase hex SHA-256 of the PKIX encoding: names the key in results and messages. */
    public String keyId() {
        return keyId;
    }

    /** The short form people quote: the first 12 hex characters of {@link #keyId()}. */
    public String shortId() {
        return keyId.substring(0, 12);
    }

    /**
     * The key hint a Sigstore bundle carries for a public key: standard base64 of the SHA-256 of the PKIX encoding
     * (what sigstore-go's key pairs give).
     */
    public String bundleHint() {
        return Base64.getEncoder().encodeToString(Digest.sha256(pkix).bytes());
    }

    ECPublicKeyParameters parameters() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKey other && Arrays.equals(pkix, other.pkix);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pkix);
    }

    @Override
    public String toString() {
        return "ECDSA P-256 key " + shortId();
    }
}
