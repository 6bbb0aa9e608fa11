package io.jenkins.plugins.immutable.scan.catalog;

import io.jenkins.plugins.immutable.scan.layer.LayerFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

/**
 * Python distributions from their installed metadata: {@code <name>.dist-info/METADATA} (wheels, pip) and
 * {@code <name>.egg-info/PKG-INFO} (setuptools), whose headers carry {@code Name:} and {@code Version:}.
 */
final class PythonCataloger implements Cataloger {

    private static final int MAX_BYTES = 8 << 20;

    @Override
    public String name() {
        return "python";
    }

    @Override
    public boolean wants(LayerFile file) {
        String p = file.path();
        return (p.endsWith(".dist-info/METADATA") || p.endsWith(".egg-info/PKG-INFO")) && file.type() == LayerFile.Type.FILE;
    }

    @Override
    public List<InstalledPackage> read(LayerFile file, InputStream content, Warnings warnings) throws IOException {
        String text = TextFiles.read(content, MAX_BYTES, file.path(), warnings);
        if (text == null) {
            return List.of();
        }
        String name = null;
        String version = null;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                break; // the body (long description) follows the headers
            }
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("name:")) {
                name = line.substring(5).strip();
            } else if (lower.startsWith("version:")) {
                version = line.substring(8).strip();
            }
        }
        if (name == null || version == null || name.isEmpty() || version.isEmpty()) {
            warnings.skip(file.path(), "no Name or Version header; the distribution is missing from the report");
            return List.of();
        }
        return List.of(InstalledPackage.found(PackageType.PYPI, name, version, file.path()));
    }

    /** PEP 503 normalisation, which OSV uses for PyPI names: lowercase, runs of {@code -_.} become {@code -}. */
    static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }
}
