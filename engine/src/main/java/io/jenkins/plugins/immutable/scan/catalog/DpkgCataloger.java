package io.jenkins.plugins.immutable.scan.catalog;

import io.jenkins.plugins.immutable.scan.layer.LayerFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Debian and Ubuntu packages from dpkg's database: {@code var/lib/dpkg/status}, and the one-file-per-package
 * {@code var/lib/dpkg/status.d/} that distroless images use. Only installed packages count; each carries its source
 * package ({@code Source: glibc (2.36-9+deb12u4)}), which is what Debian's advisories name.
 */
final class DpkgCataloger implements Cataloger {

    private static final String STATUS = "var/lib/dpkg/status";
    private static final String STATUS_D = "var/lib/dpkg/status.d/";
    private static final int MAX_BYTES = 64 << 20;

    @Override
    public String name() {
        return "dpkg";
    }

    @Override
    public boolean wants(LayerFile file) {
        String p = file.path();
        return p.equals(STATUS) || (p.startsWith(STATUS_D) && p.indexOf('/', STATUS_D.length()) < 0
                && !p.endsWith(".md5sums"));
    }

    @Override
    public List<InstalledPackage> read(LayerFile file, InputStream content, Warnings warnings) throws IOException {
        String text = TextFiles.read(content, MAX_BYTES, file.path(), warnings);
        return text == null ? List.of() : parse(text, file.path());
    }

    static List<InstalledPackage> parse(String text, String location) {
        List<InstalledPackage> out = new ArrayList<>();
        for (Map<String, String> stanza : stanzas(text)) {
            String name = stanza.get("package");
            String version = stanza.get("version");
            String status = stanza.get("status");
            if (name == null || version == null) {
                continue;
            }
            // Packages removed but with config files left, or half-installed, are not in the image's software.
            if (status != null && !status.endsWith(" installed")) {
                continue;
            }
            String source = stanza.get("source");
            String sourceName = name;
            String sourceVersion = version;
            if (source != null && !source.isBlank()) {
                int paren = source.indexOf('(');
                if (paren >= 0) {
                    sourceName = source.substring(0, paren).strip();
                    int close = source.indexOf(')', paren);
                    sourceVersion = source.substring(paren + 1, close < 0 ? source.length() : close).strip();
                } else {
                    sourceName = source.strip();
                }
            }
            out.add(InstalledPackage.found(PackageType.DEB, name, version, location)
                    .withSource(sourceName, sourceVersion, stanza.get("architecture")));
        }
        return out;
    }

    /** RFC 822-style stanzas separated by blank lines; keys lowercased, continuation lines folded. */
    static List<Map<String, String>> stanzas(String text) {
        List<Map<String, String>> out = new ArrayList<>();
        Map<String, String> current = new HashMap<>();
        String lastKey = null;
        for (String line : text.split("\n", -1)) {
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    out.add(current);
                    current = new HashMap<>();
                }
                lastKey = null;
            } else if ((line.startsWith(" ") || line.startsWith("\t")) && lastKey != null) {
                current.merge(lastKey, "\n" + line.strip(), String::concat);
            } else {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    lastKey = line.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT);
                    current.put(lastKey, line.substring(colon + 1).strip());
                }
            }
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }
}
