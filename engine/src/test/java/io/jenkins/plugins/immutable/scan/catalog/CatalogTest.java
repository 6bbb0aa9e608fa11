package io.jenkins.plugins.immutable.scan.catalog;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.scan.ScanFixtures;
import io.jenkins.plugins.immutable.scan.layer.DecompressionLimits;
import io.jenkins.plugins.immutable.scan.layer.FileView;
import io.jenkins.plugins.immutable.scan.layer.Layer;
import io.jenkins.plugins.immutable.scan.layer.LayerWalker;
import io.jenkins.plugins.immutable.scan.layer.TarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.BeforeClass;
import org.junit.Test;

/** The catalogers over a layered root filesystem the test builds, read through the real layer walker. */
public class CatalogTest {

    private static Catalog catalog;

    @BeforeClass
    public static void scanFixtureImage() {
        catalog = catalog(ScanFixtures.baseLayer().gzip(), ScanFixtures.upgradeLayer().zstd());
    }

    static Catalog catalog(byte[]... layers) {
        Catalog.Collector collector = new Catalog.Collector(Cataloger.all());
        Layer[] list = new Layer[layers.length];
        for (int i = 0; i < layers.length; i++) {
            list[i] = Layer.ofBytes("sha256:layer" + i, layers[i]);
        }
        FileView<Catalog.Found> view = new LayerWalker(DecompressionLimits.DEFAULT, ProgressListener.NONE)
                .walk(List.of(list), collector);
        return collector.finish(view);
    }

    private static InstalledPackage find(PackageType type, String name) {
        return catalog.packages().stream().filter(p -> p.type() == type && p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(type + " " + name + " not found in " + catalog.packages()));
    }

    private static Set<String> names(PackageType type) {
        return catalog.packages().stream().filter(p -> p.type() == type).map(InstalledPackage::coordinates)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    @Test
    public void osReleaseIsReadThroughItsSymlink() {
        assertEquals("debian", catalog.os().id());
        assertEquals("12", catalog.os().versionId());
        assertEquals(List.of("Debian:12"), catalog.os().osvEcosystems(PackageType.DEB));
    }

    @Test
    public void dpkgStatusOfThisMachineYieldsEveryInstalledPackageWithItsSource() throws IOException {
        long installed = Files.readAllLines(ScanFixtures.DPKG_STATUS).stream()
                .filter(l -> l.equals("Status: install ok installed")).count();
        Set<String> fromStatus = catalog.packages().stream()
                .filter(p -> p.type() == PackageType.DEB && p.location().equals("var/lib/dpkg/status"))
                .map(InstalledPackage::coordinates).collect(Collectors.toSet());
        assertEquals(installed, fromStatus.size());
        InstalledPackage libc = find(PackageType.DEB, "libc6");
        assertEquals("glibc", libc.sourceName());
        assertEquals("Debian:12", libc.ecosystem());
        assertTrue(libc.purl(), libc.purl().startsWith("pkg:deb/debian/libc6@" + libc.version().replace("+", "%2B")
                + "?arch=amd64&distro=debian-12&upstream=glibc"));
        assertEquals("sha256:layer0", libc.layer());
    }

    @Test
    public void dpkgStatusDirectoryOfDistrolessImagesIsRead() {
        InstalledPackage tz = find(PackageType.DEB, "tzdata");
        assertTrue(catalog.packages().stream().anyMatch(p -> p.name().equals("tzdata")
                && p.location().equals("var/lib/dpkg/status.d/tzdata") && p.version().equals("2024a-0+deb12u1")));
        assertFalse(tz.location().endsWith(".md5sums"));
    }

    @Test
    public void apkDatabaseYieldsPackagesWithTheirOrigin() {
        assertEquals(Set.of("busybox@1.36.1-r29", "libcrypto3@3.3.1-r0", "musl@1.2.5-r0"), names(PackageType.APK));
        assertEquals("openssl", find(PackageType.APK, "libcrypto3").sourceName());
    }

    @Test
    public void javaArchivesNestedInAFatJarAreFoundWithTheirMavenCoordinates() {
        assertEquals(Set.of("com.example:app@1.0.0", "legacy-lib@3.2.1", "org.apache.commons:commons-text@1.9",
                "org.apache.logging.log4j:log4j-core@2.14.1"), names(PackageType.MAVEN));
        InstalledPackage log4j = find(PackageType.MAVEN, "org.apache.logging.log4j:log4j-core");
        assertEquals("app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar", log4j.location());
        assertEquals("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", log4j.purl());
    }

    @Test
    public void jarDeletedByAWhiteoutIsNotReported() {
        assertTrue(catalog.packages().stream().noneMatch(p -> p.name().contains("jackson-databind")));
    }

    @Test
    public void npmPackagesUnderNodeModulesAtAnyDepthWithScopes() {
        assertEquals(Set.of("@types/node@20.11.5", "lodash@4.17.21", "qs@6.11.0"), names(PackageType.NPM));
        assertEquals("pkg:npm/%40types/node@20.11.5", find(PackageType.NPM, "@types/node").purl());
        assertEquals("sha256:layer1", find(PackageType.NPM, "lodash").layer());
    }

    @Test
    public void pythonDistributionsFromDistInfoAndEggInfo() {
        assertEquals(Set.of("PyYAML@5.3.1", "requests@2.25.0"), names(PackageType.PYPI));
        assertEquals("pkg:pypi/pyyaml@5.3.1", find(PackageType.PYPI, "PyYAML").purl());
    }

    @Test
    public void goBinariesYieldToolchainAndModulesWithReplacements() {
        Set<String> go = names(PackageType.GO);
        assertTrue(go.toString(), go.contains("golang.org/x/net@v0.7.0"));
        assertTrue(go.toString(), go.contains("github.com/new/yaml@v1.1.0"));
        assertFalse(go.toString(), go.stream().anyMatch(p -> p.startsWith("github.com/old/yaml")));
        assertFalse(go.toString(), go.stream().anyMatch(p -> p.startsWith("example.com/")));
        assertTrue(go.toString(), catalog.packages().stream().anyMatch(p -> p.name().equals("stdlib")
                && p.version().equals("go1.21.5") && p.location().equals("usr/local/bin/synthetic")));
        // The real skopeo from Debian (built with Go 1.19, without module mode) yields its toolchain.
        assertTrue(go.toString(), catalog.packages().stream().anyMatch(p -> p.name().equals("stdlib")
                && p.version().startsWith("go1.") && p.location().equals("usr/bin/skopeo")));
        assertEquals("pkg:golang/golang.org/x/net@v0.7.0", find(PackageType.GO, "golang.org/x/net").purl());
    }

    @Test
    public void unknownOsLeavesOsPackagesUnmatchedAndSaysSo() {
        Catalog c = catalog(new TarBuilder().file("lib/apk/db/installed", ScanFixtures.APK_INSTALLED).gzip());
        assertEquals(OsRelease.UNKNOWN, c.os());
        assertEquals("Alpine", c.packages().get(0).ecosystem());
        assertTrue(c.warnings().get(0), c.warnings().get(0).contains("no os-release file"));
    }

    @Test
    public void alpineReleaseSelectsItsBranch() {
        OsRelease alpine = OsRelease.parse("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n");
        assertEquals(List.of("Alpine:v3.20"), alpine.osvEcosystems(PackageType.APK));
        OsRelease ubuntu = OsRelease.parse("ID=ubuntu\nVERSION_ID=\"22.04\"\n");
        assertEquals(List.of("Ubuntu:22.04", "Ubuntu:22.04:LTS"), ubuntu.osvEcosystems(PackageType.DEB));
    }

    @Test
    public void truncatedJarIsSkippedAndTheLayerReadsOn() {
        byte[] jar = ScanFixtures.fatJar();
        byte[] truncated = java.util.Arrays.copyOf(jar, jar.length / 2);
        Catalog c = catalog(new TarBuilder().file("app/broken.jar", truncated, 0100644)
                .file("usr/local/lib/node_modules/after/package.json", "{\"name\":\"after\",\"version\":\"1.0.0\"}")
                .gzip());
        assertTrue(c.skipped().toString(), c.skipped().stream().anyMatch(s -> s.location().equals("app/broken.jar")
                && s.reason().startsWith("not a readable zip archive")));
        assertTrue(c.packages().toString(), c.packages().stream().anyMatch(p -> p.name().equals("after")));
    }

    @Test
    public void whatWasSkippedInAFileALaterLayerDeletesNoLongerCounts() {
        byte[] truncated = java.util.Arrays.copyOf(ScanFixtures.fatJar(), 100);
        Catalog kept = catalog(new TarBuilder().file("app/broken.jar", truncated, 0100644).gzip());
        assertEquals(1, kept.skipped().size());
        Catalog deleted = catalog(new TarBuilder().file("app/broken.jar", truncated, 0100644).gzip(),
                new TarBuilder().whiteout("app/broken.jar").gzip());
        assertEquals(List.of(), deleted.skipped());
    }

    @Test
    public void aDpkgStanzaWithAnImpossiblyLongFieldIsSkippedAndTheOthersAreRead() {
        String status = "Package: good\nStatus: install ok installed\nVersion: 1.0-1\n\n"
                + "Package: huge\nStatus: install ok installed\nVersion: " + "9".repeat(70_000) + "\n\n"
                + "Package: after\nStatus: install ok installed\nVersion: 2.0-1\nDescription: x\n"
                + " " + "long continuation ".repeat(10_000) + "\n";
        Catalog c = catalog(new TarBuilder().file("var/lib/dpkg/status", status).gzip());
        assertEquals(List.of("after", "good"), c.packages().stream().map(InstalledPackage::name).toList());
        assertEquals(1, c.skipped().size());
        assertEquals("var/lib/dpkg/status (stanza 2, huge)", c.skipped().get(0).location());
        assertTrue(c.skipped().get(0).reason(), c.skipped().get(0).reason().startsWith("a field line is longer than"
                + " 64 KiB"));
    }
}
