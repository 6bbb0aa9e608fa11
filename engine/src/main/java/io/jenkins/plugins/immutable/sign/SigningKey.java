package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * An ECDSA P-256 private key that signs, with its public half. Read from cosign's encrypted key
 * ({@code ENCRYPTED SIGSTORE PRIVATE KEY}), PKCS#8 ({@code PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}) PEM, or
 * generated. Hold it only while signing and {@link #close()} it after (try-with-resources): every byte array that
 * held key material on the way in has been zeroed, and closing drops the key. Its {@code toString} never shows it.
 */
public final class SigningKey implements AutoCloseable {

    private static final String PKCS8_LABEL = "PRIVATE KEY";
    private static final String SEC1_LABEL = "EC PRIVATE KEY";

    private static final SecureRandom RANDOM = new SecureRandom();

    private volatile ECPrivateKeyParameters privateKey;
    private final VerificationKey publicKey;

    private SigningKey(ECPrivateKeyParameters privateKey, VerificationKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** A new random key pair on P-256. */
    public static SigningKey generate() {
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(KeyAlgorithms.DOMAIN, RANDOM));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        return new SigningKey((ECPrivateKeyParameters) pair.getPrivate(),
                VerificationKey.of((ECPublicKeyParameters) pair.getPublic()));
    }

    /**
     * Reads a private key from PEM text. Cosign's encrypted format needs the password; PKCS#8 and SEC1 keys are not
     * encrypted and ignore it. The caller keeps ownership of {@code password} (and should clear it after).
     *
     * @param source names the key in error messages (a file, a credential id), never its content
     */
    public static SigningKey fromPem(String pem, char[] password, String source) {
        List<Pem.Block> blocks = Pem.decode(pem, source);
        try {
            for (Pem.Block block : blocks) {
                switch (block.label()) {
                    case CosignEncryptedKey.PEM_LABEL, CosignEncryptedKey.LEGACY_PEM_LABEL -> {
                        byte[] plain = CosignEncryptedKey.open(block.der(), password, source);
                        try {
                            return fromDer(plain, source);
                        } finally {
                            Arrays.fill(plain, (byte) 0);
                        }
                    }
                    case PKCS8_LABEL, SEC1_LABEL -> {
                        return fromDer(block.der(), source);
                    }
                    case "ENCRYPTED PRIVATE KEY" -> throw EngineException.badInput(source + " is a PKCS#8 key"
                            + " encrypted by OpenSSL, which is not supported; convert it to cosign's encrypted format with"
                            + " `cosign import-key-pair --key <file>`");
                    case "RSA PRIVATE KEY" -> throw EngineException.badInput(source + " holds an RSA private key;"
                            + " signing here uses ECDSA P-256 (cosign's default): generate a key pair with"
                            + " `immutable keygen` or `cosign generate-key-pair`");
                    default -> {
                        // other blocks (EC PARAMETERS, a public key beside the private one) are not the key
                    }
                }
            }
        } finally {
            blocks.forEach(Pem.Block::wipe);
        }
        throw EngineException.badInput(source + " holds no private key: expected a PEM block '"
                + CosignEncryptedKey.PEM_LABEL + "' (cosign.key), 'PRIVATE KEY' (PKCS#8) or 'EC PRIVATE KEY' (SEC1)");
    }

    /** A key from DER: PKCS#8 PrivateKeyInfo (version 0) or SEC1 ECPrivateKey (version 1). */
    static SigningKey fromDer(byte[] der, String source) {
        ASN1Sequence sequence;
        try {
            sequence = ASN1Sequence.getInstance(der);
        } catch (RuntimeException e) {
            throw damaged(source);
        }
        if (sequence.size() < 2 || !(sequence.getObjectAt(0) instanceof ASN1Integer version)) {
            throw damaged(source);
        }
        org.bouncycastle.asn1.sec.ECPrivateKey sec1;
        try {
            if (version.hasValue(0)) {
                PrivateKeyInfo info = PrivateKeyInfo.getInstance(sequence);
                AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
                if (algorithm.getParameters() == null && KeyAlgorithms.EC_PUBLIC_KEY.equals(algorithm.getAlgorithm())) {
                    sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
                    KeyAlgorithms.requireP256Curve(sec1.getParametersObject(), source, "private");
                } else {
                    KeyAlgorithms.requireP256(algorithm, source, "private");
                    sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
                }
            } else if (version.hasValue(1)) {
                sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(sequence);
                KeyAlgorithms.requireP256Curve(sec1.getParametersObject(), source, "private");
            } else {
                throw damaged(source);
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw damaged(source);
        }
        BigInteger d = sec1.getKey();
        KeyAlgorithms.requireValidScalar(d, source);
        ECPoint q = new FixedPointCombMultiplier().multiply(KeyAlgorithms.CURVE.getG(), d).normalize();
        org.bouncycastle.asn1.ASN1BitString embedded = sec1.getPublicKey();
        if (embedded != null && !Arrays.equals(embedded.getOctets(), q.getEncoded(false))) {
            throw EngineException.badInput(source + " holds a private key whose embedded public key does not match"
                    + " it; the file is damaged, restore it from where it was generated");
        }
        return new SigningKey(new ECPrivateKeyParameters(d, KeyAlgorithms.DOMAIN),
                VerificationKey.of(new ECPublicKeyParameters(q, KeyAlgorithms.DOMAIN)));
    }

    /**
     * PKCS#8 as Go's {@code x509.MarshalPKCS8PrivateKey} writes it (what cosign encrypts): the curve in the
     * algorithm identifier, the SEC1 structure inside with the public key and without repeating the curve.
     */
    private static byte[] pkcs8(BigInteger d, byte[] encodedPoint) {
        try {
            var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, new DERBitString(encodedPoint), null);
            return new PrivateKeyInfo(new AlgorithmIdentifier(KeyAlgorithms.EC_PUBLIC_KEY, KeyAlgorithms.P256), sec1)
                    .getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding in memory cannot fail", e);
        }
    }

    /** The public half, to give verifiers. */
    public VerificationKey publicKey() {
        return publicKey;
    }

    /** Signs the data with ECDSA-SHA256, returning the ASN.1 DER signature cosign stores (base64) and verifies. */
    public byte[] sign(byte[] data) {
        ECPrivateKeyParameters key = privateKey;
        if (key == null) {
            throw new IllegalStateException("this signing key was closed; read the key again to sign");
        }
        return KeyAlgorithms.sign(key, data);
    }

    /** The key in cosign's encrypted format ({@code cosign.key}), with the scrypt cost cosign uses today. */
    public String toEncryptedPem(char[] password) {
        return toEncryptedPem(password, CosignEncryptedKey.ScryptStrength.STANDARD);
    }

    /** The key in cosign's encrypted format with a chosen scrypt cost. */
    public String toEncryptedPem(char[] password, CosignEncryptedKey.ScryptStrength strength) {
        byte[] pkcs8 = pkcs8();
        try {
            return Pem.encode(CosignEncryptedKey.PEM_LABEL, CosignEncryptedKey.seal(pkcs8, password, strength));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** The key as PKCS#8 DER in Go's form (what cosign encrypts); the caller zeroes the array. */
    byte[] pkcs8() {
        ECPrivateKeyParameters key = privateKey;
        if (key == null) {
            throw new IllegalStateException("this signing key was closed; read the key again to export it");
        }
        return pkcs8(key.getD(), publicKey.parameters().getQ().getEncoded(false));
    }

    /** Drops the private key; the object can no longer sign. */
    @Override
    public void close() {
        privateKey = null;
    }

    @Override
    public String toString() {
        return "signing key (public " + publicKey.shortId() + ")";
    }

    private static EngineException damaged(String source) {
        return EngineException.badInput(source + " does not hold a valid PKCS#8 or SEC1 private key; the file is"
                + " damaged or not a key, restore it from where it was generated");
    }
}
