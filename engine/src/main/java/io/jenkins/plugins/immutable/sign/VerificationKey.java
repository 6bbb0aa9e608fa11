package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * An ECDSA P-256 public key that verifies signatures: what a verifier is given to trust. Read from a PKIX
 * {@code PUBLIC KEY} PEM block, as cosign writes {@code cosign.pub}. Two keys are equal when their encodings are.
 */
public final class VerificationKey {

    /** The PEM label of a PKIX public key. */
    public static final String PEM_LABEL = "PUBLIC KEY";

    private final ECPublicKey key;
    private final byte[] pkix;
    private final String keyId;

    private VerificationKey(ECPublicKey key, byte[] pkix) {
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
                    + " public key file cosign or `immutable keys generate` wrote (cosign.pub)");
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
            ECPublicKey key = (ECPublicKey) KeyAlgorithms.ecKeyFactory()
                    .generatePublic(new X509EncodedKeySpec(der));
            return new VerificationKey(key, key.getEncoded());
        } catch (GeneralSecurityException | ClassCastException e) {
            throw EngineException.badInput(source + " holds an ECDSA P-256 public key whose point is not on the"
                    + " curve; export the key again");
        }
    }

    /** Wraps a JDK key (already checked to be P-256). */
    static VerificationKey of(ECPublicKey key) {
        byte[] der = key.getEncoded();
        AlgorithmIdentifier algorithm = SubjectPublicKeyInfo.getInstance(der).getAlgorithm();
        KeyAlgorithms.requireP256(algorithm, "the key", "public");
        return new VerificationKey(key, der);
    }

    /** True when the DER-encoded ECDSA signature over the data verifies with this key. */
    public boolean verify(byte[] data, byte[] derSignature) {
        try {
            java.security.Signature verifier = KeyAlgorithms.newSignature();
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(derSignature);
        } catch (SignatureException e) {
            // an undecodable signature is simply not a valid one
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withECDSA is part of every Java runtime", e);
        }
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

    ECPublicKey jdkKey() {
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
