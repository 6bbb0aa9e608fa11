package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.EngineException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The one algorithm signing and verification use, ECDSA on P-256 with SHA-256 (cosign's default), and the checks
 * that turn any other key into an error naming what it is. Signing and key handling use the JDK's SunEC provider
 * when present (never a registered BouncyCastle provider, so the plugin needs no provider set-up); BouncyCastle
 * is used only for ASN.1 and curve arithmetic.
 */
final class KeyAlgorithms {

    static final ASN1ObjectIdentifier EC_PUBLIC_KEY = X9ObjectIdentifiers.id_ecPublicKey;
    static final ASN1ObjectIdentifier P256 = SECObjectIdentifiers.secp256r1;
    static final X9ECParameters CURVE = ECNamedCurveTable.getByOID(P256);

    private static final String ALGORITHM_ADVICE = "signing and verification here use ECDSA P-256 (cosign's"
            + " default): generate a key pair with `immutable keys generate` or `cosign generate-key-pair`";

    /** SunEC when the runtime has it (every OpenJDK build does); otherwise the runtime's default provider. */
    private static final Provider SUN_EC = Security.getProvider("SunEC");

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

    static KeyFactory ecKeyFactory() throws NoSuchAlgorithmException {
        return SUN_EC != null ? KeyFactory.getInstance("EC", SUN_EC) : KeyFactory.getInstance("EC");
    }

    static KeyPairGenerator ecKeyPairGenerator() throws NoSuchAlgorithmException {
        return SUN_EC != null ? KeyPairGenerator.getInstance("EC", SUN_EC) : KeyPairGenerator.getInstance("EC");
    }

    static Signature newSignature() {
        try {
            return SUN_EC != null ? Signature.getInstance("SHA256withECDSA", SUN_EC)
                    : Signature.getInstance("SHA256withECDSA");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withECDSA is part of every Java runtime", e);
        }
    }
}
