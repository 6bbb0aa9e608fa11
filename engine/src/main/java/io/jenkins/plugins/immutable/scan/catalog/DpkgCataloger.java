package io.jenkins.plugins.immutable.scan.catalog;

import io.jenkins.plugins.immutable.scan.layer.LayerFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Debian and Ubuntu packages from dpkg's database: {@code var/lib/dpkg/status}, and the one-file-per-package
 * {@code var/lib/dpkg/status.d/} that distroless images use. Only installed packages count; each carries its source
 * package ({@code Source: glibc (2.36-9+deb12u4)}), which is what Debian's advisories name.
 *
 * <p>The database is read as it streams, stanza by stanza, keeping only the fields a package needs, so its size does
 * not matter to the heap (a status file of a large image runs to tens of megabytes). A line longer than a field ever
 * is is cut; a stanza whose needed field was cut is recorded as skipped.
 */
final class DpkgCataloger implements Cataloger {

    private static final String STATUS = "var/lib/dpkg/status";
    private static final String STATUS_D = "var/lib/dpkg/status.d/";
    /** Longer than any Package, Version, Status, Source or Architecture line dpkg writes. */
    private static final int MAX_LINE = 64 * 1024;
    private static final Set<String> FIELDS = Set.of("package", "version", "status", "source", "architecture");

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
        return parse(content, file.path(), warnings);
    }

    static List<InstalledPackage> parse(String text, String location) {
        try {
            return parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), location, new Warnings());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // not from memory
        }
    }

    static List<InstalledPackage> parse(InputStream in, String location, Warnings warnings) throws IOException {
        List<InstalledPackage> out = new ArrayList<>();
        Lines lines = new Lines(in);
        Map<String, String> stanza = new HashMap<>();
        boolean cut = false;
        int number = 0;
        for (String line; (line = lines.next()) != null; ) {
            if (line.isBlank()) {
                number += stanza.isEmpty() ? 0 : 1;
                cut = finish(stanza, cut, number, location, out, warnings);
                continue;
            }
            if (line.startsWith(" ") || line.startsWith("\t")) {
                continue; // continuation lines belong to Description or Conffiles, which a package does not need
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                if (FIELDS.contains(key)) {
                    stanza.put(key, line.substring(colon + 1).strip());
                    cut |= lines.wasCut();
                }
            }
        }
        number += stanza.isEmpty() ? 0 : 1;
        finish(stanza, cut, number, location, out, warnings);
        return out;
    }

    /** Turns a stanza into a package and empties it; returns the new "cut" state (false). */
    private static boolean finish(Map<String, String> stanza, boolean cut, int number, String location,
            List<InstalledPackage> out, Warnings warnings) {
        if (stanza.isEmpty()) {
            return false;
        }
        if (cut) {
            warnings.skip(location + " (stanza " + number + (stanza.containsKey("package") ? ", "
                    + abbreviate(stanza.get("package")) : "") + ")", "a field line is longer than " + (MAX_LINE >> 10)
                    + " KiB, which dpkg never writes; that package is missing from the report");
        } else {
            InstalledPackage p = toPackage(stanza, location);
            if (p != null) {
                out.add(p);
            }
        }
        stanza.clear();
        return false;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    private static InstalledPackage toPackage(Map<String, String> stanza, String location) {
        String name = stanza.get("package");
        String version = stanza.get("version");
        String status = stanza.get("status");
        if (name == null || version == null) {
            return null;
        }
        // Packages removed but with config files left, or half-installed, are not in the image's software.
        if (status != null && !status.endsWith(" installed")) {
            return null;
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
        return InstalledPackage.found(PackageType.DEB, name, version, location)
                .withSource(sourceName, sourceVersion, stanza.get("architecture"));
    }

    /** UTF-8 lines of a stream, each at most {@link #MAX_LINE} bytes (the rest of a longer one is skipped). */
    private static final class Lines {
        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];
        private int pos;
        private int end;
        private final byte[] line = new byte[MAX_LINE];
        private boolean cut;

        Lines(InputStream in) {
            this.in = in;
        }

        /** The next line without its end, or null at the end of the stream. */
        String next() throws IOException {
            int length = 0;
            cut = false;
            boolean any = false;
            while (true) {
                if (pos == end) {
                    end = in.read(buffer, 0, buffer.length);
                    pos = 0;
                    if (end <= 0) {
                        end = 0;
                        return any ? decode(length) : null;
                    }
                }
                any = true;
                int start = pos;
                while (pos < end && buffer[pos] != '\n') {
                    pos++;
                }
                int n = pos - start;
                int keep = Math.min(n, MAX_LINE - length);
                System.arraycopy(buffer, start, line, length, keep);
                length += keep;
                cut |= keep < n;
                if (pos < end) {
                    pos++; // the newline
                    return decode(length);
                }
            }
        }

        boolean wasCut() {
            return cut;
        }

        private String decode(int length) {
            int n = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
            return new String(line, 0, n, StandardCharsets.UTF_8);
        }
    }
}
