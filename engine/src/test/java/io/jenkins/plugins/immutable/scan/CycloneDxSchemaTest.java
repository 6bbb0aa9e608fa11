package io.jenkins.plugins.immutable.scan;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.packageurl.PackageURL;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.bake.LayerBaker;
import io.jenkins.plugins.immutable.bake.LayerBuildRequest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.scan.catalog.InstalledPackage;
import io.jenkins.plugins.immutable.scan.layer.DecompressionLimits;
import io.jenkins.plugins.immutable.scan.layer.TarBuilder;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.cyclonedx.Version;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.parsers.JsonParser;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The CycloneDX SBOMs of real scans, validated against the CycloneDX 1.5 JSON schema by the CycloneDX project's own
 * parser (cyclonedx-core-java), then read back by it: images pushed to the stack's registry as the scan tests build
 * them, and one baked daemonless from this machine's own Debian package database (hundreds of real packages, with
 * epochs, '+' and '~' in versions and architecture qualifiers).
 */
public class CycloneDxSchemaTest {

    private static final RegistryClient CLIENT = RegistryClient.builder().build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static OsvDatabase db;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @BeforeClass
    public static void openDatabase() {
        db = OsvDatabase.open(ScannerTest.TEST_DB, ProgressListener.NONE);
    }

    @AfterClass
    public static void closeDatabase() {
        db.close();
    }

    private static Repository repo() {
        return new Repository(Stack.registry(), Stack.uniqueRepository("sbom"));
    }

    private static ScanReport scan(ImageReference image, Policy policy) {
        return new Scanner(db, DecompressionLimits.DEFAULT, ScannerTest.CLOCK, ProgressListener.NONE)
                .scan(CLIENT, image, null, policy);
    }

    /** Validates the SBOM against the schema and returns it parsed; fails naming every schema violation. */
    private static JsonNode valid(String sbom) throws Exception {
        List<ParseException> problems = new JsonParser().validate(sbom.getBytes(StandardCharsets.UTF_8),
                Version.VERSION_15);
        assertEquals("schema violations:\n" + problems.stream().map(Throwable::getMessage)
                .collect(Collectors.joining("\n")), List.of(), problems);
        org.cyclonedx.model.Bom bom = new JsonParser().parse(sbom.getBytes(StandardCharsets.UTF_8));
        assertEquals("1.5", bom.getSpecVersion());
        return JSON.readTree(sbom);
    }

    /** Every package's purl parses as a purl and names the package's own name and version. */
    private static void purlsParse(ScanReport report) throws Exception {
        for (InstalledPackage p : report.packages()) {
            PackageURL purl = new PackageURL(p.purl());
            assertTrue(p.purl(), purl.getType().equals(p.type().purlType()) || purl.getType().equals("generic"));
            assertEquals(p.purl(), p.version(), purl.getVersion());
            assertEquals(p.purl(), purl.canonicalize().replace("%3A", ":"), p.purl());
        }
    }

    @Test
    public void theFixtureImageInTheRegistryGivesAValidSbom() throws Exception {
        Repository repo = repo();
        ImageManifest image = RegistryScanTest.pushFixture(repo);
        ImageReference tagged = CLIENT.putManifest(repo.tag("1.0"), image);
        ScanReport r = scan(tagged, new Policy(Severity.CRITICAL, false, List.of(
                new IgnoreRule("CVE-2021-44228", null, "JNDI lookups disabled", LocalDate.parse("2027-01-01")))));
        JsonNode bom = valid(ScanOutputs.cycloneDx(r));
        assertEquals(r.packages().size() + 1, bom.path("components").size());
        assertEquals(r.findings().size(), bom.path("vulnerabilities").size());
        assertTrue("the ignored finding is analysed", bom.toString().contains("\"analysis\""));
        assertEquals("pkg:oci/" + repo.path().substring(repo.path().lastIndexOf('/') + 1) + "@" + image.digest()
                        + "?repository_url=" + (repo.registry() + "/" + repo.path()).replace("/", "%2F"),
                bom.at("/metadata/component/purl").asText());
        purlsParse(r);
    }

    @Test
    public void anAlpineImageInTheRegistryGivesAValidSbom() throws Exception {
        Repository repo = repo();
        ImageManifest image = RegistryScanTest.pushImage(repo, "amd64", List.of(new TarBuilder()
                .file("etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n")
                .file("lib/apk/db/installed", ScanFixtures.APK_INSTALLED.replace("1.36.1-r29", "1.36.1-r28"))
                .tar()), List.of(MediaTypes.OCI_LAYER_GZIP));
        ScanReport r = scan(CLIENT.putManifest(repo.tag("alpine"), image), Policy.REPORT_ONLY);
        valid(ScanOutputs.cycloneDx(r));
        purlsParse(r);
    }

    @Test
    public void anImageBakedFromThisMachinesDebianPackagesGivesAValidSbom() throws Exception {
        Path dpkg = Path.of("/var/lib/dpkg/status");
        Path osRelease = Path.of("/etc/os-release");
        assertTrue("this machine is Debian (the stack's machines are)", Files.isRegularFile(dpkg)
                && Files.isRegularFile(osRelease));
        Path root = tmp.newFolder("rootfs").toPath();
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.copy(osRelease, root.resolve("etc/os-release"));
        Files.copy(dpkg, root.resolve("var/lib/dpkg/status"));
        ImageReference target = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("sbom") + ":deb");
        ImageReference baked = new LayerBaker(CLIENT).bake(LayerBuildRequest.builder(null, target)
                .layer("rootfs", root, "/").created(Instant.parse("2026-01-01T00:00:00Z")).build(),
                ProgressListener.NONE).image();
        ScanReport r = scan(baked, Policy.REPORT_ONLY);
        assertTrue(r.packages().size() + " packages", r.packages().size() > 50);
        assertTrue("some version has an epoch", r.packages().stream().anyMatch(p -> p.version().contains(":")));
        assertTrue("some version has a +", r.packages().stream().anyMatch(p -> p.version().contains("+")));
        valid(ScanOutputs.cycloneDx(r));
        purlsParse(r);
    }

    /** An OSV record for a package of the fixture image, scored only by the given CVSS vector. */
    private static String record(String id, String ecosystem, String name, String type, String vector) {
        return "{\"schema_version\":\"1.6.6\",\"id\":\"" + id + "\",\"modified\":\"2026-10-01T00:00:00Z\","
                + "\"severity\":[{\"type\":\"" + type + "\",\"score\":\"" + vector + "\"}],"
                + "\"affected\":[{\"package\":{\"ecosystem\":\"" + ecosystem + "\",\"name\":\"" + name + "\"},"
                + "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]}]}";
    }

    @Test
    public void ratingsNameTheCvssVersionOfTheirVector() throws Exception {
        Path copy = tmp.newFolder("osv-db").toPath();
        try (var files = Files.walk(ScannerTest.TEST_DB)) {
            for (Path f : files.toList()) {
                Path to = copy.resolve(ScannerTest.TEST_DB.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        Files.writeString(copy.resolve("npm/GHSA-test-cvss4.json"), record("GHSA-test-cvss4", "npm", "qs",
                "CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"));
        Files.writeString(copy.resolve("PyPI/PYSEC-test-cvss2.json"), record("PYSEC-test-cvss2", "PyPI", "requests",
                "CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P"));
        Repository repo = repo();
        ImageManifest image = RegistryScanTest.pushFixture(repo);
        ScanReport r;
        try (OsvDatabase scored = OsvDatabase.open(copy, ProgressListener.NONE)) {
            r = new Scanner(scored, DecompressionLimits.DEFAULT, ScannerTest.CLOCK, ProgressListener.NONE)
                    .scan(CLIENT, CLIENT.putManifest(repo.tag("scored"), image), null, Policy.REPORT_ONLY);
        }
        JsonNode bom = valid(ScanOutputs.cycloneDx(r));
        java.util.Map<String, String> methods = new java.util.TreeMap<>();
        for (JsonNode v : bom.path("vulnerabilities")) {
            methods.put(v.path("id").asText(), v.at("/ratings/0/method").asText());
        }
        assertEquals("CVSSv4", methods.get("GHSA-test-cvss4"));
        assertEquals("CVSSv2", methods.get("PYSEC-test-cvss2"));
        assertEquals("CVSSv31", methods.get("GHSA-jfh8-c2jp-5v3q"));
    }
}
