package io.jenkins.plugins.immutable.scan.catalog;

import io.jenkins.plugins.immutable.scan.layer.LayerFile;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Java archives (jar, war, ear, and Jenkins' hpi/jpi), read as they stream, with the archives nested in them (a Spring
 * Boot fat jar's {@code BOOT-INF/lib}, a war's {@code WEB-INF/lib}) to a depth of four; a deeper one is recorded as
 * {@link Skipped}, which makes the scan incomplete. Each
 * {@code META-INF/maven/<group>/<artifact>/pom.properties} is a package, shaded ones included; an archive without one
 * is named from its manifest ({@code Implementation-Title/Version}, {@code Bundle-SymbolicName/Version}) or its file
 * name, without a group, so it is listed but cannot be matched against Maven advisories.
 */
final class JavaArchiveCataloger implements Cataloger {

    private static final int MAX_DEPTH = 4;
    private static final int MAX_METADATA_BYTES = 1 << 20;
    private static final long MIN_INFLATE_BUDGET = 1L << 30;
    private static final int INFLATE_RATIO = 100;
    private static final Pattern POM_PROPERTIES = Pattern.compile("META-INF/maven/[^/]+/[^/]+/pom\\.properties");
    private static final Pattern FILE_NAME = Pattern.compile("^(.+?)-(\\d[\\w.+-]*?)(?:\\.(?:jar|war|ear|jpi|hpi))$");

    @Override
    public String name() {
        return "java-archive";
    }

    @Override
    public boolean wants(LayerFile file) {
        return file.type() == LayerFile.Type.FILE && isArchive(file.path());
    }

    static boolean isArchive(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.endsWith(".jar") || p.endsWith(".war") || p.endsWith(".ear") || p.endsWith(".jpi")
                || p.endsWith(".hpi");
    }

    /** How much one top-level archive may inflate, nested archives included: a zip bomb stops with a warning. */
    private static final class Budget {
        long remaining;
        boolean exhausted;

        Budget(long archiveSize) {
            remaining = Math.max(MIN_INFLATE_BUDGET, archiveSize * INFLATE_RATIO);
        }
    }

    @Override
    public List<InstalledPackage> read(LayerFile file, InputStream content, Warnings warnings) throws IOException {
        List<InstalledPackage> out = new ArrayList<>();
        Budget budget = new Budget(file.size());
        readArchive(new ZipInputStream(content), file.path(), 0, budget, out, warnings);
        if (budget.exhausted) {
            warnings.skip(file.path(), "inflates more than " + INFLATE_RATIO + " times its size; reading stopped"
                    + " there (a zip bomb?), so packages after that point are missing from the report");
        }
        return out;
    }

    private void readArchive(ZipInputStream zip, String location, int depth, Budget budget,
            List<InstalledPackage> out, Warnings warnings) throws IOException {
        int before = out.size();
        boolean hasPom = false;
        Manifest manifest = null;
        try {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (entry.getSize() > 0) {
                    budget.remaining -= entry.getSize();
                }
                if (budget.remaining < 0) {
                    budget.exhausted = true;
                    return;
                }
                String name = entry.getName();
                if (entry.isDirectory()) {
                    continue;
                }
                if (POM_PROPERTIES.matcher(name).matches()) {
                    InstalledPackage p = fromPomProperties(zip.readNBytes(MAX_METADATA_BYTES), location);
                    if (p != null) {
                        out.add(p);
                        hasPom = true;
                    }
                } else if (name.equals("META-INF/MANIFEST.MF")) {
                    try {
                        manifest = new Manifest(new ByteArrayInputStream(zip.readNBytes(MAX_METADATA_BYTES)));
                    } catch (IOException e) {
                        warnings.add(location + " has an unreadable manifest (" + e.getMessage() + ")");
                    }
                } else if (isArchive(name) && depth >= MAX_DEPTH) {
                    warnings.skip(location + "!/" + name, "nested more than " + MAX_DEPTH + " archives deep, deeper"
                            + " than this scanner reads; its packages are missing from the report");
                } else if (isArchive(name)) {
                    readArchive(new ZipInputStream(new Unclosable(zip)), location + "!/" + name, depth + 1, budget,
                            out, warnings);
                    if (budget.exhausted) {
                        return;
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            warnings.skip(location, "not a readable zip archive (" + e.getMessage() + "); packages in it may be"
                    + " missing from the report");
        }
        if (!hasPom) {
            InstalledPackage guessed = fromManifestOrName(manifest, location);
            if (guessed != null) {
                out.add(before, guessed);
            }
        }
    }

    static InstalledPackage fromPomProperties(byte[] bytes, String location) throws IOException {
        Properties props = new Properties();
        props.load(new ByteArrayInputStream(bytes));
        String group = props.getProperty("groupId");
        String artifact = props.getProperty("artifactId");
        String version = props.getProperty("version");
        if (group == null || artifact == null || version == null || version.isBlank()) {
            return null;
        }
        return InstalledPackage.found(PackageType.MAVEN, group.strip() + ":" + artifact.strip(), version.strip(),
                location);
    }

    static InstalledPackage fromManifestOrName(Manifest manifest, String location) {
        String fileName = location.substring(location.lastIndexOf('/') + 1);
        Matcher m = FILE_NAME.matcher(fileName);
        String name = null;
        String version = null;
        if (manifest != null) {
            Attributes a = manifest.getMainAttributes();
            version = first(a.getValue("Implementation-Version"), a.getValue("Bundle-Version"),
                    a.getValue("Specification-Version"));
            String symbolic = a.getValue("Bundle-SymbolicName");
            if (symbolic != null) {
                symbolic = symbolic.split(";")[0].strip();
            }
            name = first(m.matches() ? m.group(1) : null, symbolic, a.getValue("Implementation-Title"));
        }
        if (m.matches()) {
            name = name == null ? m.group(1) : name;
            version = version == null ? m.group(2) : version;
        }
        if (name == null || version == null) {
            return null;
        }
        return InstalledPackage.found(PackageType.MAVEN, name, version, location);
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }

    /** Lets a nested archive be read without closing the archive it sits in. */
    private static final class Unclosable extends FilterInputStream {
        Unclosable(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the enclosing archive owns the stream
        }
    }
}
