package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.image.Digest;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Signatures and verifications per second on the calling thread (run it pinned to one core: scripts/bench-sign).
 * A signature is the whole per-image work without the registry: the simple-signing payload for a digest, its
 * ECDSA-SHA256 signature, the layer annotations. A verification is what the verifier does per signature layer:
 * the ECDSA check, then the payload parse and the digest and identity claims.
 */
public final class SignBench {

    private static final String REPOSITORY = "127.0.0.1:5101/team/app";
    private static final io.jenkins.plugins.immutable.image.Repository REPO = io.jenkins.plugins.immutable.image.Repository.parse(REPOSITORY);

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        try (SigningKey key = SigningKey.generate()) {
            TrustPolicy policy = TrustPolicy.of(List.of(key.publicKey()));
            CosignSignature[] signatures = new CosignSignature[1024];
            Digest[] digests = new Digest[signatures.length];
            for (int i = 0; i < signatures.length; i++) {
                digests[i] = digest(i);
                signatures[i] = CosignSignature.create(new SimpleSigningPayload(REPOSITORY, digests[i], Map.of()), key);
            }
            // warm-up, so the JIT has compiled both paths before measuring
            run(key, policy, signatures, digests, 2, false);
            run(key, policy, signatures, digests, seconds, true);
        }
    }

    private static void run(SigningKey key, TrustPolicy policy, CosignSignature[] signatures, Digest[] digests,
            double seconds, boolean print) {
        long budget = (long) (seconds * 1e9);
        long signed = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < budget) {
            CosignSignature s = CosignSignature.create(
                    new SimpleSigningPayload(REPOSITORY, digests[(int) (signed & 1023)], Map.of()), key);
            if (s.payload().length == 0) {
                throw new AssertionError();
            }
            signed++;
        }
        double signRate = signed / ((System.nanoTime() - start) / 1e9);
        long verified = 0;
        start = System.nanoTime();
        while (System.nanoTime() - start < budget) {
            int i = (int) (verified & 1023);
            if (!SimpleSigningCheck.check("bench", signatures[i], policy, digests[i], REPO).isVerified()) {
                throw new AssertionError("a valid signature did not verify");
            }
            verified++;
        }
        double verifyRate = verified / ((System.nanoTime() - start) / 1e9);
        if (print) {
            System.out.printf("sign: %.0f signatures/s (%d in %.1f s)%n", signRate, signed, seconds);
            System.out.printf("verify: %.0f verifications/s (%d in %.1f s)%n", verifyRate, verified, seconds);
            System.out.printf("processors visible: %d, java %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
        }
    }

    private static Digest digest(int i) {
        return Digest.sha256(ByteBuffer.allocate(4).putInt(i).array());
    }
}
