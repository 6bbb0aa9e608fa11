package io.jenkins.plugins.immutable.scan.layer;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What reading a layer did to the file view, kept by the layer's digest for one run over many images (a re-scan of
 * every live digest, which mostly share their base layers), so that a layer shared by several images is read once:
 * the next image replays the recorded view operations at the layer's place in its own stack instead of fetching and
 * inflating the blob again. Only the operations are kept (the wanted files' values and the paths the layer replaces or
 * whites out), not the layer's bytes.
 *
 * <p>A layer is recorded only once it was read to its end, where its digest is verified; a layer that failed is never
 * replayed. Use one cache per run and per collector: the values are what that collector made of the files, and a
 * cache kept across runs would hide a layer's later disappearance from the registry.
 *
 * @param <T> what one file became
 */
public final class LayerCache<T> {

    /** One operation a layer applied to the view; the layer's index is given again when replayed. */
    sealed interface Op<T> permits Put, PutLink, Remove, RemoveTree, Link {
    }

    /** A wanted regular file and its value; {@code file}'s layer index is replaced on replay. */
    record Put<T>(String path, LayerFile file, T value) implements Op<T> {
    }

    /** A wanted symlink. */
    record PutLink<T>(String path, LayerFile file) implements Op<T> {
    }

    record Remove<T>(String path) implements Op<T> {
    }

    record RemoveTree<T>(String path, boolean includingPath) implements Op<T> {
    }

    /** A hard link, resolved against the view when replayed, since its target may come from a lower layer. */
    record Link<T>(String path, String target) implements Op<T> {
    }

    /** A layer as it was read: its operations in order and what reading it cost. */
    record Recorded<T>(List<Op<T>> ops, long entries, long compressedBytes, long uncompressedBytes) {
        Recorded {
            ops = List.copyOf(ops);
        }
    }

    private final Map<String, Recorded<T>> layers = new ConcurrentHashMap<>();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();

    Optional<Recorded<T>> get(String layer) {
        Recorded<T> r = layers.get(layer);
        if (r != null) {
            replayed.incrementAndGet();
        }
        return Optional.ofNullable(r);
    }

    void put(String layer, Recorded<T> recorded) {
        Objects.requireNonNull(recorded, "recorded");
        read.incrementAndGet();
        layers.putIfAbsent(layer, recorded);
    }

    /** How many layers were read from their blobs and recorded. */
    public long layersRead() {
        return read.get();
    }

    /** How many times a recorded layer was replayed instead of being read again. */
    public long layersReplayed() {
        return replayed.get();
    }

    /** How many distinct layers are held. */
    public int size() {
        return layers.size();
    }
}
