package io.jenkins.plugins.immutable.scan;

import java.util.List;
import java.util.Locale;
import us.springett.cvss.Cvss;
import us.springett.cvss.CvssV2;

/**
 * A CVSS base score an advisory publishes, computed from its vector by a kept library (us.springett's
 * cvss-calculator, which follows FIRST's specifications for v2, v3.0, v3.1 and v4.0) rather than by hand. Temporal,
 * threat and environmental metrics in a vector are left out: a base score is what databases publish and compare.
 *
 * @param type the OSV severity type it came from: {@code CVSS_V2}, {@code CVSS_V3} or {@code CVSS_V4}
 * @param vector the vector as published
 * @param baseScore 0.0 to 10.0
 */
public record CvssScore(String type, String vector, double baseScore) {

    /** OSV's CVSS severity types, in the order a score is taken when an advisory has several. */
    static final List<String> TYPES = List.of("CVSS_V3", "CVSS_V4", "CVSS_V2");

    /** The score of a vector of an OSV severity type, or null when the vector is not a complete one of that type. */
    public static CvssScore of(String type, String vector) {
        if (type == null || vector == null || !TYPES.contains(type)) {
            return null;
        }
        String prefix = switch (type) {
            case "CVSS_V3" -> "CVSS:3.";
            case "CVSS_V4" -> "CVSS:4.";
            default -> "";
        };
        if (!vector.startsWith(prefix) || (type.equals("CVSS_V2") && vector.startsWith("CVSS:"))) {
            return null;
        }
        Cvss cvss;
        try {
            cvss = Cvss.fromVector(vector.strip());
        } catch (RuntimeException e) {
            return null; // the library's MalformedVectorException, or a metric value it does not know
        }
        if (cvss == null || (type.equals("CVSS_V2") != (cvss instanceof CvssV2))) {
            return null;
        }
        double base;
        try {
            base = cvss.calculateScore().getBaseScore();
        } catch (RuntimeException e) {
            return null;
        }
        if (Double.isNaN(base) || base < 0 || base > 10) {
            return null;
        }
        return new CvssScore(type, vector, base);
    }

    /**
     * The qualitative rating of the score: v3 and v4 share 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10 critical;
     * v2 has no critical (NVD's v2 ratings: below 4.0 low, below 7.0 medium, else high).
     */
    public Severity severity() {
        if (type.equals("CVSS_V2")) {
            return baseScore >= 7.0 ? Severity.HIGH : baseScore >= 4.0 ? Severity.MEDIUM
                    : baseScore > 0 ? Severity.LOW : Severity.UNKNOWN;
        }
        return Severity.ofScore(baseScore);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.1f (%s)", baseScore, vector);
    }
}
