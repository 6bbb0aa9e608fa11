package io.jenkins.plugins.immutable.scan.osv;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.scan.version.InvalidVersionException;
import io.jenkins.plugins.immutable.scan.version.VersionScheme;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.Test;

/** Range evaluation per the OSV schema, from records written for the test. */
public class AffectedVersionsTest {

    private static OsvRecord.Affected affected(String json) throws Exception {
        String record = "{\"id\":\"TEST-1\",\"modified\":\"2026-01-01T00:00:00Z\",\"affected\":[" + json + "]}";
        return OsvParser.parse(record.getBytes(StandardCharsets.UTF_8)).affected().get(0);
    }

    private static Optional<AffectedVersions.Match> match(OsvRecord.Affected a, String version, VersionScheme order) {
        return AffectedVersions.match(a, version, order, VersionScheme.SEMVER);
    }

    @Test
    public void ecosystemRangeWithSeveralIntroducedFixedPairsUsesTheEcosystemsOrder() throws Exception {
        OsvRecord.Affected a = affected("""
                {"package":{"ecosystem":"Maven","name":"g:a"},"ranges":[{"type":"ECOSYSTEM","events":[
                  {"introduced":"2.13.0"},{"fixed":"2.15.0"},{"introduced":"2.0-beta9"},{"fixed":"2.12.2"}]}]}""");
        assertEquals("2.15.0", match(a, "2.14.1", VersionScheme.MAVEN).get().fixedVersion());
        assertEquals("2.12.2", match(a, "2.0", VersionScheme.MAVEN).get().fixedVersion());
        assertTrue(match(a, "2.0-beta9", VersionScheme.MAVEN).isPresent());
        assertFalse("2.0-beta8 sorts before the introduced 2.0-beta9", match(a, "2.0-beta8", VersionScheme.MAVEN).isPresent());
        assertFalse("fixed is exclusive", match(a, "2.12.2", VersionScheme.MAVEN).isPresent());
        assertFalse("between the ranges", match(a, "2.12.4", VersionScheme.MAVEN).isPresent());
        assertFalse(match(a, "2.15.0", VersionScheme.MAVEN).isPresent());
        assertTrue("2.15.0-rc1 is before 2.15.0 in Maven order", match(a, "2.15.0-rc1", VersionScheme.MAVEN).isPresent());
        assertEquals("ECOSYSTEM range introduced 2.13.0, fixed 2.15.0", match(a, "2.14.1", VersionScheme.MAVEN).get().evidence());
    }

    @Test
    public void ecosystemRangeForDebianComparesWithDpkgRules() throws Exception {
        OsvRecord.Affected a = affected("""
                {"package":{"ecosystem":"Debian:12","name":"glibc"},"ranges":[{"type":"ECOSYSTEM","events":[
                  {"introduced":"0"},{"fixed":"2.36-9+deb12u3"}]}]}""");
        assertTrue(match(a, "2.36-9+deb12u2", VersionScheme.DPKG).isPresent());
        assertFalse(match(a, "2.36-9+deb12u3", VersionScheme.DPKG).isPresent());
        assertFalse("u10 is after u3 in dpkg order (not in string order)",
                match(a, "2.36-9+deb12u10", VersionScheme.DPKG).isPresent());
        assertTrue("a ~ version sorts before its release", match(a, "2.36-9+deb12u3~bpo1", VersionScheme.DPKG).isPresent());
    }

    @Test
    public void semverRangeUsesSemverPrecedenceWhateverTheEcosystem() throws Exception {
        OsvRecord.Affected a = affected("""
                {"package":{"ecosystem":"npm","name":"qs"},"ranges":[{"type":"SEMVER","events":[
                  {"introduced":"6.11.0"},{"fixed":"6.11.1"},{"introduced":"6.10.0"},{"fixed":"6.10.3"}]}]}""");
        assertTrue(match(a, "6.11.0", VersionScheme.SEMVER).isPresent());
        assertTrue(match(a, "6.10.2", VersionScheme.SEMVER).isPresent());
        assertFalse(match(a, "6.10.3", VersionScheme.SEMVER).isPresent());
        assertFalse(match(a, "6.11.1", VersionScheme.SEMVER).isPresent());
        assertFalse("a pre-release of the introduced version is before it", match(a, "6.11.0-rc.1", VersionScheme.SEMVER).isPresent());
        assertTrue("a pre-release of the fix is still affected", match(a, "6.11.1-rc.1", VersionScheme.SEMVER).isPresent());
    }

    @Test
    public void lastAffectedIsInclusiveAndLeavesNoFixedVersion() throws Exception {
        OsvRecord.Affected a = affected("""
                {"package":{"ecosystem":"Alpine:v3.20","name":"busybox"},"ranges":[{"type":"ECOSYSTEM","events":[
                  {"introduced":"0"},{"last_affected":"1.36.1-r28"}]}]}""");
        AffectedVersions.Match m = match(a, "1.36.1-r28", VersionScheme.APK).get();
        assertEquals(null, m.fixedVersion());
        assertEquals("ECOSYSTEM range introduced 0, last affected 1.36.1-r28", m.evidence());
        assertTrue(match(a, "1.36.1-r2", VersionScheme.APK).isPresent());
        assertFalse(match(a, "1.36.1-r29", VersionScheme.APK).isPresent());
        assertFalse(match(a, "1.36.2-r0", VersionScheme.APK).isPresent());
    }

    @Test
    public void introducedWithoutFixAffectsEveryLaterVersion() throws Exception {
        OsvRecord.Affected a = affected("""
                {"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0"}]}]}""");
        assertEquals("ECOSYSTEM range introduced 1.0, not fixed", match(a, "99.0", VersionScheme.PEP440).get().evidence());
        assertFalse(match(a, "1.0rc1", VersionScheme.PEP440).isPresent());
    }

    @Test
    public void versionsListAloneMatchesExactlyAndBorrowsTheRangesFix() throws Exception {
        OsvRecord.Affected listOnly = affected("""
                {"package":{"ecosystem":"PyPI","name":"pyyaml"},"versions":["5.3.1","5.3"]}""");
        assertTrue(match(listOnly, "5.3.1", VersionScheme.PEP440).isPresent());
        assertFalse(match(listOnly, "5.3.2", VersionScheme.PEP440).isPresent());
        OsvRecord.Affected gitAndList = affected("""
                {"package":{"ecosystem":"PyPI","name":"pyyaml"},"versions":["5.3.1"],"ranges":[
                  {"type":"GIT","repo":"https://example.com/r","events":[{"introduced":"0"},{"fixed":"abc123"}]},
                  {"type":"ECOSYSTEM","events":[{"introduced":"5.4"},{"fixed":"5.4.1"}]}]}""");
        AffectedVersions.Match m = match(gitAndList, "5.3.1", VersionScheme.PEP440).get();
        assertEquals("version 5.3.1 is listed as affected", m.evidence());
        assertEquals("5.4.1", m.fixedVersion());
        assertFalse("GIT ranges are not evaluated without the repository",
                match(gitAndList, "5.0", VersionScheme.PEP440).isPresent());
    }

    @Test
    public void limitEventsBoundTheRangeAbove() throws Exception {
        OsvRecord.Affected a = affected("""
                {"package":{"ecosystem":"Go","name":"m"},"ranges":[{"type":"SEMVER","events":[
                  {"introduced":"1.0.0"},{"limit":"1.5.0"}]}]}""");
        assertTrue(AffectedVersions.match(a, "v1.4.9", VersionScheme.GO, VersionScheme.GO).isPresent());
        assertFalse(AffectedVersions.match(a, "v1.5.0", VersionScheme.GO, VersionScheme.GO).isPresent());
    }

    @Test
    public void goToolchainVersionsMatchSemverRangesOfStdlib() throws Exception {
        OsvRecord.Affected a = affected("""
                {"package":{"ecosystem":"Go","name":"stdlib"},"ranges":[{"type":"SEMVER","events":[
                  {"introduced":"0"},{"fixed":"1.21.8"},{"introduced":"1.22.0-0"},{"fixed":"1.22.1"}]}]}""");
        assertEquals("1.21.8", AffectedVersions.match(a, "go1.21.5", VersionScheme.GO, VersionScheme.GO).get().fixedVersion());
        assertEquals("1.22.1", AffectedVersions.match(a, "go1.22.0", VersionScheme.GO, VersionScheme.GO).get().fixedVersion());
        assertTrue(AffectedVersions.match(a, "go1.22rc1", VersionScheme.GO, VersionScheme.GO).isPresent());
        assertFalse(AffectedVersions.match(a, "go1.21.8", VersionScheme.GO, VersionScheme.GO).isPresent());
        assertFalse(AffectedVersions.match(a, "go1.22.1", VersionScheme.GO, VersionScheme.GO).isPresent());
    }

    @Test(expected = InvalidVersionException.class)
    public void aVersionTheSchemeCannotOrderIsAnErrorNotAGuess() throws Exception {
        OsvRecord.Affected a = affected("""
                {"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"SEMVER","events":[
                  {"introduced":"0"},{"fixed":"1.0.0"}]}]}""");
        match(a, "not-a-version", VersionScheme.SEMVER);
    }
}
