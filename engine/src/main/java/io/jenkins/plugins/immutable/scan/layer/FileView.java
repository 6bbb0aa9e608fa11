package io.jenkins.plugins.immutable.scan.layer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The final state of the files a {@link FileCollector} wanted, after every layer was applied in order with its
 * whiteouts: what a container started from the image would see at those paths. Only wanted files are kept, so the
 * view stays small however large the image is.
 *
 * @param <T> what one file became
 */
public final class FileView<T> {

    /** A wanted file as it finally stands and what the collector made of it. */
    public record Collected<T>(LayerFile file, T value) {
    }

    sealed interface Node<T> permits FileNode, LinkNode {
        LayerFile file();
    }

    record FileNode<T>(LayerFile file, T value) implements Node<T> {
    }

    record LinkNode<T>(LayerFile file) implements Node<T> {
    }

    private static final int MAX_LINK_HOPS = 40;

    private final NavigableMap<String, Node<T>> nodes = new TreeMap<>();
    private LayerStats stats = LayerStats.EMPTY;

    FileView() {
    }

    /** Every wanted regular file that survived all layers, in path order. */
    public List<Collected<T>> files() {
        List<Collected<T>> out = new ArrayList<>();
        for (Node<T> node : nodes.values()) {
            if (node instanceof FileNode<T> f && f.value() != null) {
                out.add(new Collected<>(f.file(), f.value()));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The wanted file at a path, following wanted symlinks (relative or absolute, resolved inside the image), for
     * example {@code etc/os-release} pointing at {@code ../usr/lib/os-release}.
     */
    public Optional<Collected<T>> resolve(String path) {
        String current = path;
        for (int hops = 0; hops < MAX_LINK_HOPS; hops++) {
            Node<T> node = nodes.get(current);
            if (node == null) {
                return Optional.empty();
            }
            if (node instanceof FileNode<T> f) {
                return f.value() == null ? Optional.empty() : Optional.of(new Collected<>(f.file(), f.value()));
            }
            String target = node.file().linkTarget();
            String base = target.startsWith("/") ? "" : parentOf(current);
            try {
                current = EntryPaths.normalize(base.isEmpty() ? target : base + "/" + target, true);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** How much the walk read. */
    public LayerStats stats() {
        return stats;
    }

    // --- mutation by the walker ---

    void stats(LayerStats stats) {
        this.stats = stats;
    }

    Node<T> get(String path) {
        return nodes.get(path);
    }

    void put(String path, Node<T> node) {
        nodes.put(path, node);
    }

    /** Removes the node at {@code path} whatever layer it came from. */
    void remove(String path) {
        nodes.remove(path);
    }

    /** Removes the node at {@code path} and everything under it that came from a layer below {@code layer}. */
    void removeTree(String path, int layer, boolean includingPath) {
        if (includingPath) {
            Node<T> node = nodes.get(path);
            if (node != null && node.file().layerIndex() < layer) {
                nodes.remove(path);
            }
        }
        String prefix = path.isEmpty() ? "" : path + "/";
        Map<String, Node<T>> below = prefix.isEmpty() ? nodes : nodes.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
        below.values().removeIf(n -> n.file().layerIndex() < layer);
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
