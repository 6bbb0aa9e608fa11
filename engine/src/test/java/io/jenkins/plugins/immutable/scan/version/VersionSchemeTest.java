package io.jenkins.plugins.immutable.scan.version;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/**
 * Version ordering per ecosystem, as tables of pairs {@code "a OP b"}. Every pair is also checked in reverse, so a
 * table proves antisymmetry as well. The dpkg, PEP 440 and semver expectations were checked against
 * {@code dpkg --compare-versions}, Python's {@code packaging} and node-semver; the apk ones follow apk-tools' own test
 * data; Maven's are cross-checked against Maven's {@code ComparableVersion} in {@link MavenVersionOracleTest}.
 */
public class VersionSchemeTest {

    static final String[] DPKG = {
        "1.0 < 1.1",
        "1.0 < 1.0.1",
        "1.0~rc1 < 1.0",
        "1.0~~ < 1.0~",
        "1.0~~a < 1.0~",
        "1.0~ < 1.0",
        "1.0 < 1.0a",
        "1.0a < 1.0b",
        "1.0+b1 > 1.0",
        "1.0.0 > 1.0",
        "1.0-1 < 1.0-2",
        "1.0-1 < 1.0-1+deb12u1",
        "1.0-1+deb12u1 < 1.0-1+deb12u2",
        "1.0-1~bpo12+1 < 1.0-1",
        "1:0.1 > 9.9",
        "1:1.0 = 1:1.0-0",
        "0:1.0 = 1.0",
        "2:1.0 > 1:9.9",
        "1.0 = 1.0-0",
        "1.01 = 1.1",
        "1.001 = 1.1",
        "1.10 > 1.9",
        "1.2.10 > 1.2.9",
        "2.36-9+deb12u4 > 2.36-9+deb12u3",
        "2.36-9+deb12u10 > 2.36-9+deb12u9",
        "1.2.3-1ubuntu1 > 1.2.3-1",
        "1.2.3-1ubuntu1 < 1.2.3-2",
        "1.2.3-0ubuntu0.22.04.1 < 1.2.3-0ubuntu1",
        "7.88.1-10+deb12u5 < 7.88.1-10+deb12u8",
        "3.0.11-1~deb12u2 < 3.0.11-1",
        "3.0.11-1~deb12u2 > 3.0.11-1~deb12u1",
        "1.0.a < 1.0.b",
        "1.0a < 1.0.",
        "a < b",
        "1.0+dfsg-1 > 1.0-1",
        "1.0+dfsg-1 < 1.0.1-1",
        "1.0-1.1 > 1.0-1",
        "1:2.3.4-5 > 2.3.4-6",
        "10.0 > 9.0",
        "1.2-3-4 > 1.2-3",
        "1.2-3-4 > 1.2-4",
        "252.30-1~deb12u2 < 252.31-1~deb12u1",
        "1.0~beta1 < 1.0~beta2",
        "1.0~rc1~git1 < 1.0~rc1",
        "4.1-3+b1 > 4.1-3",
    };

    static final String[] APK = {
        "1.0 < 1.1",
        "1.0 = 1.0",
        "1.0_alpha < 1.0_beta",
        "1.0_beta < 1.0_pre",
        "1.0_pre < 1.0_rc",
        "1.0_rc < 1.0",
        "1.0 < 1.0_cvs",
        "1.0_cvs < 1.0_svn",
        "1.0_svn < 1.0_git",
        "1.0_git < 1.0_hg",
        "1.0_hg < 1.0_p",
        "1.0_p1 < 1.0_p2",
        "1.0_alpha2 > 1.0_alpha",
        "1.0_alpha1 < 1.0_alpha2",
        "1.0_rc1 < 1.0",
        "1.0-r0 < 1.0-r1",
        "1.0-r1 < 1.0-r10",
        "1.0-r10 > 1.0-r9",
        "1.0 < 1.0-r1",
        "1.0_p1 > 1.0-r5",
        "1.0a < 1.0b",
        "1.0 < 1.0a",
        "1.0a < 1.0.1",
        "1.2.3 > 1.2",
        "1.2 < 1.2.0",
        "1.10 > 1.9",
        "1.01 < 1.1",
        "1.01 < 1.02",
        "1.02 < 1.1",
        "1.06-r6 < 006",
        "0.01 < 0.06",
        "2.02.06 < 2.02.10",
        "1.0.1 < 1.06-r1",
        "3.9_pre20060124 > 0.01",
        "2.1_pre20 < 2.1_pre26",
        "4.2.52_p2-r1 < 4.2.52_p4-r2",
        "2.0.0_rc3-r1 > 1.5",
        "20040401 > 2.0.0_rc3-r1",
        "1.0~abc < 1.0~abd",
        "1.0~abc > 1.0-r1",
        "1.0~abc > 1.0",
        "1.0_alpha~abc < 1.0",
        "3.3.1-r0 < 3.3.1-r1",
        "3.1.4-r5 < 3.1.4_p1-r0",
        "8.5.0-r0 < 8.9.1-r0",
        "1.36.1-r29 < 1.36.1-r30",
        "1.0_alpha_pre < 1.0_alpha",
    };

    static final String[] SEMVER = {
        "1.0.0 < 2.0.0",
        "2.0.0 < 2.1.0",
        "2.1.0 < 2.1.1",
        "1.0.0-alpha < 1.0.0",
        "1.0.0-alpha < 1.0.0-alpha.1",
        "1.0.0-alpha.1 < 1.0.0-alpha.beta",
        "1.0.0-alpha.beta < 1.0.0-beta",
        "1.0.0-beta < 1.0.0-beta.2",
        "1.0.0-beta.2 < 1.0.0-beta.11",
        "1.0.0-beta.11 < 1.0.0-rc.1",
        "1.0.0-rc.1 < 1.0.0",
        "1.0.0+build.1 = 1.0.0",
        "1.0.0+build.1 = 1.0.0+build.2",
        "1.0.0-alpha+001 = 1.0.0-alpha",
        "1.9.0 < 1.10.0",
        "1.10.0 < 1.11.0",
        "0.0.1 < 0.1.0",
        "0.1.0 < 1.0.0",
        "1.0.0-1 < 1.0.0-a",
        "1.0.0-2 < 1.0.0-10",
        "1.0.0-a10 < 1.0.0-a2",
        "1.0.0-alpha-1 > 1.0.0-alpha",
        "1.0.0-alpha.1 < 1.0.0-alpha.1.1",
        "1.0.0-x.7.z.92 > 1.0.0-x.7.z.91",
        "1.0.0-X < 1.0.0-x",
        "1.0.0-rc.1 > 1.0.0-RC.1",
        "v1.2.3 = 1.2.3",
        "1.2.3-rc.1+build.5 = 1.2.3-rc.1",
        "4.17.20 < 4.17.21",
        "4.17.21 > 4.17.4",
        "10.0.0 > 9.99.99",
        "2.0.0-0 < 2.0.0",
        "2.0.0-0 > 1.99.99",
        "1.2.3-beta.0 < 1.2.3-beta.1",
        "1.2.3-0.3.7 < 1.2.3-alpha",
        "3.0.0-next.1 < 3.0.0-rc.0",
        "1.0.0 = 1.0.0",
        "1.2.3-alpha.10 > 1.2.3-alpha.9",
        "1.2.3-alpha.10 < 1.2.3-alpha.a",
        "0.10.0 > 0.9.0",
        "1.0.0-beta < 1.0.0-beta.0",
    };

    static final String[] PEP440 = {
        "1.0 = 1.0.0",
        "1.0 < 1.0.1",
        "1.0.dev0 < 1.0a0",
        "1.0a1 < 1.0a2",
        "1.0a2 < 1.0b1",
        "1.0b1 < 1.0rc1",
        "1.0rc1 < 1.0",
        "1.0 < 1.0.post1",
        "1.0.post1 < 1.0.post2",
        "1.0.post1.dev0 < 1.0.post1",
        "1.0.post1.dev0 > 1.0",
        "1.0a1.dev1 < 1.0a1",
        "1.0a1.dev1 > 1.0a0",
        "1.0.dev1 < 1.0.dev2",
        "1.0.dev456 < 1.0a1",
        "1.0a12.dev456 < 1.0a12",
        "1.0b2.post345.dev456 < 1.0b2.post345",
        "1.0b2.post345 < 1.0b2-346",
        "1.0c1 = 1.0rc1",
        "1.0pre1 = 1.0rc1",
        "1.0preview1 = 1.0rc1",
        "1.0alpha1 = 1.0a1",
        "1.0beta1 = 1.0b1",
        "1.0-r1 = 1.0.post1",
        "1.0rev1 = 1.0.post1",
        "1.0-1 = 1.0.post1",
        "1.0.post = 1.0.post0",
        "1.0a = 1.0a0",
        "1.0RC1 = 1.0rc1",
        "v1.0 = 1.0",
        "1!1.0 > 2.0",
        "1!0.1 > 99.0",
        "1.0+local < 1.0.post1",
        "1.0 < 1.0+local",
        "1.0+abc < 1.0+1",
        "1.0+1 < 1.0+2",
        "1.0+abc.5 < 1.0+abc.6",
        "1.0+abc < 1.0+abc.1",
        "1.0+ubuntu-1 = 1.0+ubuntu.1",
        "2.0 > 1.99.99",
        "1.10 > 1.9",
        "1.0.0.0.1 > 1.0",
        "0.9 < 1.0rc1",
        "2.31.0 < 2.32.0",
        "2.0.0b1 < 2.0.0",
        "3.2.post1 > 3.2",
    };

    static final String[] GO = {
        "v1.0.0 < v1.0.1",
        "v1.0.0 = 1.0.0",
        "v1 = v1.0.0",
        "v1.2 = v1.2.0",
        "v1.2.3-pre < v1.2.3",
        "v1.2.3-pre.1 < v1.2.3-pre.2",
        "v0.0.0-20230101120000-abcdef123456 < v0.0.0-20230202120000-abcdef123456",
        "v0.0.0-20230101120000-abcdef123456 < v0.0.1",
        "v1.2.4-0.20230101120000-abcdef123456 > v1.2.3",
        "v1.2.4-0.20230101120000-abcdef123456 < v1.2.4",
        "v2.0.0+incompatible = v2.0.0",
        "v2.0.0+incompatible > v1.9.9",
        "v1.10.0 > v1.9.0",
        "v0.9.0 < v1.0.0",
        "v1.0.0-alpha < v1.0.0-beta",
        "v1.0.0-rc.1 < v1.0.0",
        "go1.21.5 = 1.21.5",
        "go1.21 = 1.21.0",
        "go1.21rc2 = 1.21.0-rc.2",
        "go1.21rc2 < go1.21.0",
        "go1.20.12 < go1.21.0",
        "go1.22.1 > go1.22.0",
        "go1.9.7 < go1.10",
        "v0.17.0 > v0.9.0",
        "v0.0.0-20210101000000-000000000000 < v0.0.0-20210101000001-000000000000",
        "v1.3.0 > v1.3.0-rc.10",
        "v1.3.0-rc.10 > v1.3.0-rc.9",
        "1.19.0 < 1.20.0",
        "v3.1.0 > v2.9.9",
        "v0.1.0 < v0.1.1",
        "v1.5.0 = v1.5.0",
        "v0.28.0 > v0.27.9",
        "v1.62.1 > v1.62.0",
        "v0.15.0 < v0.15.1-0.20240101000000-000000000000",
        "v1.0.0-beta.2 < v1.0.0-beta.11",
        "v1.0.0-1 < v1.0.0-a",
        "go1.18beta1 < go1.18",
        "go1.18beta2 < go1.18rc1",
        "v4.0.0+incompatible > v3.99.0",
        "v1.25.0 > v1.3.0",
    };

    @Test
    public void dpkgOrdersEpochsRevisionsAndTilde() {
        assertTable(VersionScheme.DPKG, DPKG);
    }

    @Test
    public void apkOrdersSuffixesRevisionsLeadingZerosAndHashes() {
        assertTable(VersionScheme.APK, APK);
    }

    @Test
    public void semverOrdersPreReleasesAndIgnoresBuildMetadata() {
        assertTable(VersionScheme.SEMVER, SEMVER);
    }

    @Test
    public void pep440OrdersDevPrePostAndLocalVersions() {
        assertTable(VersionScheme.PEP440, PEP440);
    }

    @Test
    public void mavenOrdersQualifiersAlphaBetaMilestoneRcSnapshotReleaseSp() {
        assertTable(VersionScheme.MAVEN, MavenVersionOracleTest.MAVEN);
    }

    @Test
    public void goOrdersModuleAndToolchainVersions() {
        assertTable(VersionScheme.GO, GO);
    }

    @Test
    public void invalidVersionsAreRejectedWithTheirScheme() {
        assertFalse(VersionScheme.SEMVER.isValid("1.2"));
        assertFalse(VersionScheme.SEMVER.isValid("01.2.3"));
        assertFalse(VersionScheme.APK.isValid("1.0-beta"));
        assertFalse(VersionScheme.APK.isValid("_alpha"));
        assertFalse(VersionScheme.PEP440.isValid("1.0-foo"));
        assertFalse(VersionScheme.DPKG.isValid("a:1.0"));
        assertFalse(VersionScheme.GO.isValid("v1.2-pre"));
        assertTrue(VersionScheme.APK.isValid("1.2.3_rc1-r0"));
        try {
            VersionScheme.SEMVER.compare("1.2", "1.2.0");
            fail("1.2 is not a semantic version");
        } catch (InvalidVersionException e) {
            assertEquals("'1.2' is not a valid semver version: expected MAJOR.MINOR.PATCH[-prerelease][+build]",
                    e.getMessage());
        }
    }

    @Test
    public void osvEcosystemsMapToTheirSchemesWithOrWithoutRelease() {
        assertSame(VersionScheme.DPKG, VersionScheme.forOsvEcosystem("Debian:12"));
        assertSame(VersionScheme.DPKG, VersionScheme.forOsvEcosystem("Ubuntu:22.04:LTS"));
        assertSame(VersionScheme.APK, VersionScheme.forOsvEcosystem("Alpine:v3.20"));
        assertSame(VersionScheme.SEMVER, VersionScheme.forOsvEcosystem("npm"));
        assertSame(VersionScheme.PEP440, VersionScheme.forOsvEcosystem("PyPI"));
        assertSame(VersionScheme.MAVEN, VersionScheme.forOsvEcosystem("Maven"));
        assertSame(VersionScheme.GO, VersionScheme.forOsvEcosystem("Go"));
        assertEquals(null, VersionScheme.forOsvEcosystem("crates.io"));
    }

    static void assertTable(VersionScheme scheme, String[] table) {
        assertTrue(scheme.name() + " needs at least 40 pairs", table.length >= 40);
        List<String> failures = new ArrayList<>();
        for (String row : table) {
            String[] parts = row.split(" ");
            String a = parts[0];
            String op = parts[1];
            String b = parts[2];
            int expected = op.equals("<") ? -1 : op.equals(">") ? 1 : 0;
            int actual = Integer.signum(scheme.compare(a, b));
            int reverse = Integer.signum(scheme.compare(b, a));
            if (actual != expected || reverse != -expected) {
                failures.add(row + " (got " + actual + ", reversed " + reverse + ")");
            }
        }
        assertEquals(scheme.name() + " ordering failures", List.of(), failures);
    }
}
