package io.jenkins.plugins.immutable.scan;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import org.junit.Test;

/** Base scores against values published with the vectors (NVD and the CVSS v3.1 specification's examples). */
public class Cvss3Test {

    private static void score(double expected, String vector) {
        assertEquals(vector, expected, Cvss3.baseScore(vector), 0.0);
    }

    @Test
    public void baseScoresMatchPublishedOnes() {
        score(9.8, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        score(10.0, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"); // CVE-2021-44228
        score(6.8, "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:N"); // the OSV schema's example
        score(7.8, "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H");
        score(6.1, "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N");
        score(7.5, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H");
        score(7.2, "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H");
        score(3.7, "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N");
        score(1.6, "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N");
        score(8.8, "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H");
        score(9.9, "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H");
        score(5.3, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N");
        score(0.0, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N");
    }

    @Test
    public void temporalMetricsAreIgnored() {
        score(9.8, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C");
    }

    @Test
    public void incompleteOrForeignVectorsHaveNoScore() {
        assertNull(Cvss3.baseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"));
        assertNull(Cvss3.baseScore("AV:N/AC:L/Au:N/C:P/I:P/A:P"));
        assertNull(Cvss3.baseScore("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"));
        assertNull(Cvss3.baseScore("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
    }

    @Test
    public void roundUpAvoidsFloatingPointNoise() {
        assertEquals(4.0, Cvss3.roundUp(4.000002), 0.0);
        assertEquals(4.1, Cvss3.roundUp(4.02), 0.0);
    }
}
