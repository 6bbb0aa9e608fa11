package io.jenkins.plugins.immutable.scan;

import java.util.HashMap;
import java.util.Map;

/**
 * The CVSS v3 base score of a vector ({@code CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H}), computed by the
 * specification's equations (FIRST, CVSS v3.1 section 7.1, and v3.0 for {@code CVSS:3.0} vectors, which differ only
 * in rounding). Temporal and environmental metrics in the vector are ignored: a base score is what databases publish.
 */
public final class Cvss3 {

    private Cvss3() {
    }

    /** The base score, or null when the vector is not a complete CVSS v3 base vector. */
    public static Double baseScore(String vector) {
        if (vector == null || !(vector.startsWith("CVSS:3.1/") || vector.startsWith("CVSS:3.0/"))) {
            return null;
        }
        boolean v30 = vector.startsWith("CVSS:3.0/");
        Map<String, String> m = new HashMap<>();
        for (String part : vector.substring(9).split("/")) {
            int colon = part.indexOf(':');
            if (colon <= 0 || m.put(part.substring(0, colon), part.substring(colon + 1)) != null) {
                return null;
            }
        }
        String scope = m.get("S");
        if (scope == null || !(scope.equals("U") || scope.equals("C"))) {
            return null;
        }
        boolean changed = scope.equals("C");
        Double av = pick(m.get("AV"), "N", 0.85, "A", 0.62, "L", 0.55, "P", 0.2);
        Double ac = pick(m.get("AC"), "L", 0.77, "H", 0.44);
        Double pr = pick(m.get("PR"), "N", 0.85, "L", changed ? 0.68 : 0.62, "H", changed ? 0.5 : 0.27);
        Double ui = pick(m.get("UI"), "N", 0.85, "R", 0.62);
        Double c = pick(m.get("C"), "H", 0.56, "L", 0.22, "N", 0.0);
        Double i = pick(m.get("I"), "H", 0.56, "L", 0.22, "N", 0.0);
        Double a = pick(m.get("A"), "H", 0.56, "L", 0.22, "N", 0.0);
        if (av == null || ac == null || pr == null || ui == null || c == null || i == null || a == null) {
            return null;
        }
        double iss = 1 - (1 - c) * (1 - i) * (1 - a);
        double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
        double exploitability = 8.22 * av * ac * pr * ui;
        if (impact <= 0) {
            return 0.0;
        }
        double raw = changed ? Math.min(1.08 * (impact + exploitability), 10) : Math.min(impact + exploitability, 10);
        return v30 ? Math.ceil(raw * 10) / 10 : roundUp(raw);
    }

    /** CVSS v3.1's Roundup: the smallest one-decimal number at or above the input, immune to float noise. */
    static double roundUp(double value) {
        long scaled = Math.round(value * 100_000);
        if (scaled % 10_000 == 0) {
            return scaled / 100_000.0;
        }
        return (Math.floorDiv(scaled, 10_000) + 1) / 10.0;
    }

    private static Double pick(String value, Object... table) {
        for (int k = 0; k < table.length; k += 2) {
            if (table[k].equals(value)) {
                return (Double) table[k + 1];
            }
        }
        return null;
    }
}
