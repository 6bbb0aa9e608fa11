package io.jenkins.plugins.immutable.scan;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.scan.catalog.InstalledPackage;
import io.jenkins.plugins.immutable.scan.layer.DecompressionLimits;
import io.jenkins.plugins.immutable.scan.layer.Layer;
import io.jenkins.plugins.immutable.scan.layer.TarBuilder;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import io.jenkins.plugins.immutable.scan.version.VersionScheme;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** The whole scan over the fixture image and the test OSV database (testdata/osv-db). */
public class ScannerTest {

    /** The small OSV database the tests and the demo share. */
    public static final Path TEST_DB = Path.of("..", "testdata", "osv-db");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-15T10:00:00Z"), ZoneOffset.UTC);

    private static OsvDatabase db;
    private static List<Layer> layers;

    @BeforeClass
    public static void openDatabaseAndBuildImage() {
        db = OsvDatabase.open(TEST_DB, ProgressListener.NONE);
        layers = List.of(Layer.ofBytes("sha256:base", ScanFixtures.baseLayer().gzip()),
                Layer.ofBytes("sha256:upgrade", ScanFixtures.upgradeLayer().zstd()));
    }

    @AfterClass
    public static void closeDatabase() {
        db.close();
    }

    static ScanReport scan(Policy policy) {
        return new Scanner(db, DecompressionLimits.DEFAULT, CLOCK, ProgressListener.NONE)
                .scan("registry.example/app:1", null, layers, policy);
    }

    private static Map<String, String> findings(ScanReport r) {
        Map<String, String> out = new TreeMap<>();
        r.findings().forEach(f -> out.merge(f.id(), f.pkg().coordinates() + " " + f.severity()
                + (f.fixAvailable() ? " fixed " + f.fixedVersion() : ""), (a, b) -> a + "; " + b));
        return out;
    }

    private static String machineVersion(String sourcePackage) {
        return scan(Policy.REPORT_ONLY).packages().stream()
                .filter(p -> p.sourceName().equals(sourcePackage) && p.type().isOsPackage()).map(InstalledPackage::sourceVersion)
                .findFirst().orElse(null);
    }

    @Test
    public void findsTheVulnerabilitiesOfTheFinalFileViewOnly() {
        ScanReport r = scan(Policy.REPORT_ONLY);
        Map<String, String> f = findings(r);
        assertEquals("org.apache.logging.log4j:log4j-core@2.14.1 CRITICAL fixed 2.15.0", f.get("GHSA-jfh8-c2jp-5v3q"));
        assertEquals("org.apache.commons:commons-text@1.9 CRITICAL fixed 1.10.0", f.get("GHSA-599f-7c49-w659"));
        assertEquals("qs@6.11.0 HIGH fixed 6.11.1", f.get("GHSA-hrpp-h998-j3pp"));
        assertEquals("requests@2.25.0 MEDIUM fixed 2.31.0", f.get("GHSA-j8r2-6x86-q33q"));
        assertEquals("PyYAML@5.3.1 CRITICAL fixed 5.4", f.get("PYSEC-2021-142"));
        assertEquals("golang.org/x/net@v0.7.0 MEDIUM fixed 0.13.0", f.get("GO-2023-1988"));
        assertTrue(f.get("GO-2024-2598"), f.get("GO-2024-2598").contains("stdlib@go1.21.5 HIGH fixed 1.21.8"));
        assertTrue("skopeo's Go 1.19 toolchain", f.get("GO-2024-2598").contains("stdlib@go1.19"));
        // The jar a later layer whited out, and lodash, which a later layer upgraded to the fix, are not reported.
        assertFalse(f.containsKey("GHSA-57j2-w4cx-62h2"));
        assertFalse(f.containsKey("GHSA-35jh-r3h4-6jhm"));
        // x/net v0.7.0 is exactly the fix of GO-2023-1571.
        assertFalse(f.containsKey("GO-2023-1571"));
        // Withdrawn records and other Debian releases never match.
        assertFalse(f.containsKey("GHSA-test-withdrawn"));
        assertFalse(f.containsKey("DEBIAN-CVE-2023-4039-11"));
    }

    @Test
    public void debianPackagesMatchBySourcePackageInTheirRelease() {
        ScanReport r = scan(Policy.REPORT_ONLY);
        Set<String> gcc = r.findings().stream().filter(x -> x.id().equals("DEBIAN-CVE-2023-4039"))
                .map(x -> x.pkg().name()).collect(Collectors.toSet());
        assertTrue("libgcc-s1 is built from gcc-12 on every Debian 12: " + gcc, gcc.contains("libgcc-s1"));
        Finding one = r.findings().stream().filter(x -> x.id().equals("DEBIAN-CVE-2023-4039")).findFirst().get();
        assertEquals(Severity.LOW, one.severity());
        assertEquals(3.7, one.cvssScore(), 0.0);
        assertNull("unfixed", one.fixedVersion());
        // glibc on this machine is affected by DSA-5514-1 exactly when older than the fix.
        String glibc = machineVersion("glibc");
        boolean expected = VersionScheme.DPKG.compare(glibc, "2.36-9+deb12u3") < 0;
        assertEquals(expected, r.findings().stream().anyMatch(x -> x.id().equals("DSA-5514-1")));
    }

    @Test
    public void alpinePackagesMatchInTheirBranchWithLastAffected() {
        String apk = ScanFixtures.APK_INSTALLED.replace("1.36.1-r29", "1.36.1-r28");
        Layer alpine = Layer.ofBytes("sha256:alpine", new TarBuilder()
                .file("etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n")
                .file("lib/apk/db/installed", apk).gzip());
        ScanReport r = new Scanner(db, DecompressionLimits.DEFAULT, CLOCK, ProgressListener.NONE)
                .scan("alpine", null, List.of(alpine), Policy.REPORT_ONLY);
        Map<String, String> f = findings(r);
        assertEquals("libcrypto3@3.3.1-r0 CRITICAL fixed 3.3.1-r1", f.get("ALPINE-CVE-2024-5535"));
        assertEquals("busybox@1.36.1-r28 HIGH", f.get("ALPINE-CVE-2023-42363"));
        assertEquals(2, f.size());
        assertEquals("pkg:apk/alpine/libcrypto3@3.3.1-r0?arch=x86_64&distro=alpine-3.20.3&upstream=openssl",
                r.packages().stream().filter(p -> p.name().equals("libcrypto3")).findFirst().get().purl());
    }

    @Test
    public void policyFailsAtTheThresholdAndSaysWhy() {
        ScanReport r = scan(new Policy(Severity.CRITICAL, false, List.of()));
        assertFalse(r.passed());
        assertTrue(r.reasons().get(0), r.reasons().get(0).startsWith("3 findings at or above CRITICAL: "));
        assertTrue(r.reasons().get(0), r.reasons().get(0).contains(
                "GHSA-jfh8-c2jp-5v3q (CRITICAL, org.apache.logging.log4j:log4j-core@2.14.1, fixed in 2.15.0)"));
        assertTrue(scan(Policy.REPORT_ONLY).passed());
    }

    @Test
    public void onlyFixableFindingsFailWhenSoConfigured() {
        // gcc-12's advisory is unfixed and LOW: with onlyFixable it cannot fail the scan, without it it does.
        assertFalse(scan(new Policy(Severity.LOW, false, List.of())).reasons().isEmpty());
        ScanReport fixable = scan(new Policy(Severity.LOW, true, List.of()));
        assertTrue(fixable.reasons().get(0).contains("with a fix available"));
        assertFalse(fixable.reasons().get(0).contains("DEBIAN-CVE-2023-4039"));
    }

    @Test
    public void ignoreRulesSilenceUntilTheyExpireAndExpiredOnesAreReported() {
        IgnoreRule log4shell = new IgnoreRule("CVE-2021-44228", "org.apache.logging.log4j:log4j-core",
                "not reachable: JNDI lookups disabled", LocalDate.parse("2026-12-31"));
        IgnoreRule textExpired = new IgnoreRule("CVE-2022-42889", null, "accepted until the upgrade",
                LocalDate.parse("2026-11-14"));
        IgnoreRule pyyaml = new IgnoreRule("PYSEC-2021-142", "pkg:pypi/pyyaml", "full_load is never called", null);
        ScanReport r = scan(new Policy(Severity.CRITICAL, false, List.of(log4shell, textExpired, pyyaml)));
        Finding log4j = r.findings().stream().filter(f -> f.id().equals("GHSA-jfh8-c2jp-5v3q")).findFirst().get();
        assertEquals(log4shell, log4j.ignoredBy());
        assertTrue(r.findings().stream().filter(f -> f.id().equals("PYSEC-2021-142")).allMatch(Finding::isIgnored));
        assertFalse(r.passed());
        assertEquals(List.of(
                "1 finding at or above CRITICAL: GHSA-599f-7c49-w659 (CRITICAL, org.apache.commons:commons-text@1.9,"
                        + " fixed in 1.10.0)",
                "the ignore rule for CVE-2022-42889 expired on 2026-11-14 and no longer applies to"
                        + " GHSA-599f-7c49-w659 in org.apache.commons:commons-text@1.9"), r.reasons());
        assertEquals(1, r.expiredIgnores().size());
        assertTrue(r.summary(), r.summary().contains("(2 ignored)"));
    }

    @Test
    public void reportRoundTripsThroughJson() {
        ScanReport r = scan(new Policy(Severity.HIGH, false, List.of(new IgnoreRule("CVE-2021-44228", null, "why",
                LocalDate.parse("2027-01-01")))));
        ScanReport back = ScanOutputs.parseJson(ScanOutputs.json(r));
        assertEquals(r, back);
    }

    @Test
    public void cycloneDxListsComponentsAndVulnerabilities() throws Exception {
        ScanReport r = scan(Policy.REPORT_ONLY);
        JsonNode bom = new ObjectMapper().readTree(ScanOutputs.cycloneDx(r));
        assertEquals("CycloneDX", bom.path("bomFormat").asText());
        assertEquals("1.5", bom.path("specVersion").asText());
        assertEquals(r.packages().size() + 1, bom.path("components").size()); // + the operating system
        JsonNode log4j = null;
        for (JsonNode c : bom.path("components")) {
            if (c.path("name").asText().equals("log4j-core")) {
                log4j = c;
            }
        }
        assertEquals("org.apache.logging.log4j", log4j.path("group").asText());
        assertEquals("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", log4j.path("purl").asText());
        JsonNode v = null;
        for (JsonNode x : bom.path("vulnerabilities")) {
            if (x.path("id").asText().equals("GHSA-jfh8-c2jp-5v3q")) {
                v = x;
            }
        }
        assertEquals(log4j.path("bom-ref").asText(), v.path("affects").get(0).path("ref").asText());
        assertEquals(10.0, v.path("ratings").get(0).path("score").asDouble(), 0.0);
        assertEquals("critical", v.path("ratings").get(0).path("severity").asText());
        assertEquals("CVSSv31", v.path("ratings").get(0).path("method").asText());
        Set<String> refs = new java.util.HashSet<>();
        bom.path("components").forEach(c -> assertTrue("unique bom-ref", refs.add(c.path("bom-ref").asText())));
    }

    @Test
    public void cosignVulnPredicateHasTheShapeCosignReads() throws Exception {
        ScanReport r = scan(Policy.REPORT_ONLY);
        JsonNode p = new ObjectMapper().readTree(ScanOutputs.vulnPredicate(r, new ScanOutputs.Invocation(
                Map.of("policy", "high"), "https://ci.example/job/app/7/", "7", "https://ci.example")));
        assertEquals("https://ci.example/job/app/7/", p.path("invocation").path("uri").asText());
        assertEquals("7", p.path("invocation").path("event_id").asText());
        assertEquals("https://ci.example", p.path("invocation").path("builder.id").asText());
        assertEquals("high", p.path("invocation").path("parameters").path("policy").asText());
        assertEquals(ScanReport.SCANNER_URI, p.path("scanner").path("uri").asText());
        assertTrue(p.path("scanner").path("db").path("uri").asText().startsWith("file:/"));
        assertTrue(p.path("scanner").path("db").path("version").asText().startsWith("2026-10-01T00:00:00Z (sha256:"));
        assertEquals(r.findings().size(), p.path("scanner").path("result").path("findings").size());
        assertEquals("2026-11-15T10:00:00Z", p.path("metadata").path("scanStartedOn").asText());
        assertEquals("2026-11-15T10:00:00Z", p.path("metadata").path("scanFinishedOn").asText());
    }
}
