package io.jenkins.plugins.immutable.scan.version;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.maven.artifact.versioning.ComparableVersion;
import org.junit.Test;

/**
 * Maven's ordering, held two ways: a hand-written table of the spec's tricky cases, and every pair of the versions it
 * names compared with Maven's own {@code ComparableVersion} (a test-only dependency), so the scanner agrees with Maven
 * beyond the rows someone thought to write.
 */
public class MavenVersionOracleTest {

    static final String[] MAVEN = {
        "1.0-alpha < 1.0-beta",
        "1.0-beta < 1.0-milestone",
        "1.0-milestone < 1.0-rc",
        "1.0-rc < 1.0-snapshot",
        "1.0-snapshot < 1.0",
        "1.0 < 1.0-sp",
        "1.0-sp < 1.0.1",
        "1.0-alpha1 < 1.0-alpha2",
        "1.0-a1 = 1.0-alpha-1",
        "1.0-b1 = 1.0-beta-1",
        "1.0-m1 = 1.0-milestone-1",
        "1.0-cr1 = 1.0-rc1",
        "1.0-rc1 < 1.0-rc2",
        "1.0-rc2 < 1.0-rc10",
        "1.0-RC1 = 1.0-rc1",
        "1.0-ga = 1.0",
        "1.0-final = 1.0",
        "1.0-release = 1.0",
        "1 = 1.0",
        "1 = 1.0.0",
        "1.0 < 1.0.1",
        "1.0.0 < 1.0.1",
        "1.9 < 1.10",
        "1.0-SNAPSHOT < 1.0",
        "1.0-SNAPSHOT > 1.0-rc1",
        "1.0-xyz > 1.0",
        "1.0-xyz > 1.0-sp",
        "1.0-abc < 1.0-xyz",
        "1.0-1 < 1.0.1",
        "1.0-1 > 1.0",
        "1.0-1 < 1.0-2",
        "1.0.RC2 < 1.0-RC3",
        "1.0-RC3 < 1.0.1",
        "2.0.0.Final = 2.0.0",
        "5.3.39 < 6.0.0-M1",
        "6.0.0-M1 < 6.0.0-RC1",
        "6.0.0-RC1 < 6.0.0",
        "2.17.1 > 2.17.0",
        "2.17.1 < 2.17.10",
        "31.1-jre > 31.0.1-jre",
        "31.1-jre < 32.0.0-jre",
        "1.2.3-beta-1 < 1.2.3",
        "9.4.51.v20230217 < 9.4.52.v20230823",
        "1.0.0.alpha1 < 1.0.0-alpha2",
        "1.0-alpha-1-SNAPSHOT < 1.0-alpha-1",
        "20030203.000129 > 1.0",
        "1.0.0-x < 1.0.0-y",
        "1-0.1 < 1.1",
    };

    @Test
    public void tableAgreesWithMavensComparableVersion() {
        List<String> disagreements = new ArrayList<>();
        for (String row : MAVEN) {
            String[] parts = row.split(" ");
            int expected = parts[1].equals("<") ? -1 : parts[1].equals(">") ? 1 : 0;
            int maven = Integer.signum(new ComparableVersion(parts[0]).compareTo(new ComparableVersion(parts[2])));
            if (maven != expected) {
                disagreements.add(row + " (Maven says " + maven + ")");
            }
        }
        assertEquals("the table itself must match Maven", List.of(), disagreements);
    }

    @Test
    public void everyPairOfTableVersionsOrdersAsMavenDoes() {
        Set<String> versions = new LinkedHashSet<>();
        for (String row : MAVEN) {
            String[] parts = row.split(" ");
            versions.add(parts[0]);
            versions.add(parts[2]);
        }
        versions.addAll(List.of("1.0-alpha-1", "1.0.0.RELEASE", "1-1.foo-bar1baz-.1", "1.0.0-X1", "1.0.0.X1",
                "1-sp-1", "1-ga-1", "1-rc-1", "1.0.0-0.1", "0.0.0", "1-", "1.0.0-", "999999999999999999999.1",
                "1.0-alpha.1", "2.0-a", "2.0-a1", "2.0-a-1", "2.0.a1"));
        List<String> disagreements = new ArrayList<>();
        for (String a : versions) {
            for (String b : versions) {
                int maven = Integer.signum(new ComparableVersion(a).compareTo(new ComparableVersion(b)));
                int ours = VersionScheme.MAVEN.compare(a, b);
                if (maven != ours) {
                    disagreements.add(a + " vs " + b + ": Maven " + maven + ", scanner " + ours);
                }
            }
        }
        assertEquals(List.of(), disagreements);
    }
}
