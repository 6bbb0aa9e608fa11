package io.jenkins.plugins.immutable.scan.catalog;

import io.jenkins.plugins.immutable.scan.layer.LayerFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Alpine packages from apk's database {@code lib/apk/db/installed}: one block per package, lines {@code P:} name,
 * {@code V:} version, {@code A:} architecture, {@code o:} origin (the source package Alpine's advisories name).
 */
final class ApkCataloger implements Cataloger {

    private static final String INSTALLED = "lib/apk/db/installed";
    private static final int MAX_BYTES = 64 << 20;

    @Override
    public String name() {
        return "apk";
    }

    @Override
    public boolean wants(LayerFile file) {
        return file.path().equals(INSTALLED);
    }

    @Override
    public List<InstalledPackage> read(LayerFile file, InputStream content, Warnings warnings) throws IOException {
        String text = TextFiles.read(content, MAX_BYTES, file.path(), warnings);
        return text == null ? List.of() : parse(text, file.path());
    }

    static List<InstalledPackage> parse(String text, String location) {
        List<InstalledPackage> out = new ArrayList<>();
        String name = null;
        String version = null;
        String arch = null;
        String origin = null;
        for (String line : (text + "\n\n").split("\n", -1)) {
            if (line.isBlank()) {
                if (name != null && version != null) {
                    out.add(InstalledPackage.found(PackageType.APK, name, version, location)
                            .withSource(origin == null ? name : origin, version, arch));
                }
                name = version = arch = origin = null;
            } else if (line.length() > 1 && line.charAt(1) == ':') {
                String value = line.substring(2).strip();
                switch (line.charAt(0)) {
                    case 'P' -> name = value;
                    case 'V' -> version = value;
                    case 'A' -> arch = value;
                    case 'o' -> origin = value;
                    default -> {
                    }
                }
            }
        }
        return out;
    }
}
