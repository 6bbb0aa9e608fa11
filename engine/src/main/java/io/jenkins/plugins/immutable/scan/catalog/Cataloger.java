package io.jenkins.plugins.immutable.scan.catalog;

import io.jenkins.plugins.immutable.scan.layer.LayerFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Finds the packages of one ecosystem in the files of an image. A cataloger names the files it reads by path (and
 * type or mode), so the layer walk hands it only those, once each, while the layer streams.
 */
public interface Cataloger {

    /** A short name for reports, {@code dpkg} or {@code java-archive}. */
    String name();

    /** Whether this cataloger reads the file; called for every tar entry, so it must be cheap. */
    boolean wants(LayerFile file);

    /**
     * The packages the file declares. The stream ends with the file and must not be closed. A malformed file is
     * reported through {@code warnings} and yields what could be read; an IOException means the layer broke.
     */
    List<InstalledPackage> read(LayerFile file, InputStream content, Warnings warnings) throws IOException;

    /** The catalogers of every ecosystem the scanner knows, in the order they get first pick of a file. */
    static List<Cataloger> all() {
        return List.of(new DpkgCataloger(), new ApkCataloger(), new JavaArchiveCataloger(), new NpmCataloger(),
                new PythonCataloger(), new GoBinaryCataloger());
    }
}
