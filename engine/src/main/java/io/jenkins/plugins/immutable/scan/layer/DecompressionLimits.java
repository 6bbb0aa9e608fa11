package io.jenkins.plugins.immutable.scan.layer;

/**
 * Bounds on how far one layer may inflate, so a decompression bomb stops the scan with a clear error instead of
 * exhausting the agent: the uncompressed size of a layer, and its ratio of uncompressed to compressed bytes once
 * {@code ratioGraceBytes} have been inflated (small layers of zeros legitimately compress very well).
 *
 * @param maxLayerBytes largest uncompressed size of one layer
 * @param maxRatio largest uncompressed/compressed ratio of one layer
 * @param ratioGraceBytes uncompressed bytes read before the ratio is enforced
 */
public record DecompressionLimits(long maxLayerBytes, double maxRatio, long ratioGraceBytes) {

    /**
     * 16 GiB per layer and a ratio of 200: real layers inflate 2 to 10 times, while a gzip bomb inflates about 1000
     * times, so a bomb stops after {@code ratioGraceBytes} (32 MiB) plus a little.
     */
    public static final DecompressionLimits DEFAULT = new DecompressionLimits(16L << 30, 200, 32L << 20);

    public DecompressionLimits {
        if (maxLayerBytes <= 0 || maxRatio <= 1 || ratioGraceBytes < 0) {
            throw new IllegalArgumentException("decompression limits must be positive and the ratio above 1, got "
                    + maxLayerBytes + " bytes, ratio " + maxRatio + ", grace " + ratioGraceBytes);
        }
    }
}
