package io.jenkins.plugins.immutable.scan.layer;

import java.io.IOException;
import java.io.InputStream;

/**
 * What a scan wants from the layers as they stream past: it names the files it needs and turns each into a small
 * value (the packages a database file lists, say), so that no file content outlives its tar entry. The walker keeps
 * one value per path and drops it when a later layer replaces or whites out that path.
 *
 * @param <T> what one file becomes
 */
public interface FileCollector<T> {

    /** Whether this file (or symlink) matters; called for every entry, so it must be cheap. */
    boolean wants(LayerFile file);

    /**
     * Reads a wanted regular file while its layer streams; the stream ends with the file and must not be closed.
     * Returns null when the file turns out to hold nothing of interest. An IOException from a malformed file should be
     * handled here (reported, not thrown), since a thrown one means the layer itself could not be read.
     */
    T read(LayerFile file, InputStream content) throws IOException;
}
