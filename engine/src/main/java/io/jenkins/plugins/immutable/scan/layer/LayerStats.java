package io.jenkins.plugins.immutable.scan.layer;

/** What a walk over an image's layers read: layers, tar entries, compressed and uncompressed bytes. */
public record LayerStats(int layers, long entries, long compressedBytes, long uncompressedBytes) {

    public static final LayerStats EMPTY = new LayerStats(0, 0, 0, 0);

    LayerStats plus(long entries, long compressed, long uncompressed) {
        return new LayerStats(layers + 1, this.entries + entries, compressedBytes + compressed,
                uncompressedBytes + uncompressed);
    }
}
