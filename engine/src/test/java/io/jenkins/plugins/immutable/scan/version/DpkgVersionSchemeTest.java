package io.jenkins.plugins.immutable.scan.version;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * dpkg's own verdicts ({@code dpkg-verdicts.json}: its t-version.c cases and issue 17's, recorded with
 * {@code dpkg --compare-versions}) against {@link VersionScheme#DPKG}: what dpkg refuses is refused, what it only warns
 * about is compared as dpkg compares it, and each pair is ordered as dpkg orders it.
 */
public class DpkgVersionSchemeTest {

    private static final VersionScheme DPKG = VersionScheme.DPKG;
    private static JsonNode verdicts;

    @BeforeClass
    public static void readVerdicts() throws IOException {
        try (InputStream in = DpkgVersionSchemeTest.class.getResourceAsStream("dpkg-verdicts.json")) {
            assertNotNull("dpkg-verdicts.json is missing from the test resources", in);
            verdicts = new ObjectMapper().readTree(in);
        }
    }

    private static String show(String version) {
        StringBuilder out = new StringBuilder("\"");
        version.chars().forEach(c -> out.append(c < 32 || c > 126 ? String.format("\\u%04x", c) : (char) c));
        return out.append('"').toString();
    }

    @Test
    public void whatDpkgRefusesIsRefusedAndWhatItTakesOrWarnsAboutIsCompared() {
        List<String> failures = new ArrayList<>();
        int refused = 0;
        int warned = 0;
        for (JsonNode row : verdicts.get("parse")) {
            String version = row.get("version").asText();
            String dpkg = row.get("dpkg").asText();
            String here = row.has("here") ? row.get("here").asText() : dpkg;
            if (row.has("here")) {
                boolean dpkgRefuses = dpkg.equals("error");
                if (dpkgRefuses == here.equals("error") || !row.has("why")) {
                    failures.add(show(version) + ": a difference from dpkg must be one, and say why");
                }
            }
            refused += dpkg.equals("error") ? 1 : 0;
            warned += dpkg.equals("warning") ? 1 : 0;
            boolean valid = DPKG.isValid(version);
            if (valid != !here.equals("error")) {
                failures.add(show(version) + ": dpkg says " + dpkg + (row.has("dpkgSays") ? " (" + row.get("dpkgSays")
                        .asText() + ")" : "") + (row.has("here") ? ", this scheme " + here : "") + ", but it is "
                        + (valid ? "accepted" : "refused"));
            }
            if (valid && DPKG.compare(version, version) != 0) {
                failures.add(show(version) + " does not equal itself");
            }
        }
        assertTrue(failures.size() + " failures:\n" + String.join("\n", failures), failures.isEmpty());
        assertTrue(refused + " refusals and " + warned + " warnings in the table", refused >= 20 && warned >= 50);
    }

    @Test
    public void everyPairIsOrderedAsDpkgOrdersIt() {
        List<String> failures = new ArrayList<>();
        JsonNode pairs = verdicts.get("compare");
        for (JsonNode row : pairs) {
            String a = row.get("a").asText();
            String b = row.get("b").asText();
            int expected = switch (row.get("op").asText()) {
                case "<" -> -1;
                case "=" -> 0;
                case ">" -> 1;
                default -> throw new AssertionError("unknown op in " + row);
            };
            try {
                int forward = Integer.signum(DPKG.compare(a, b));
                int backward = Integer.signum(DPKG.compare(b, a));
                if (forward != expected || backward != -expected) {
                    failures.add(show(a) + " " + row.get("op").asText() + " " + show(b) + " by dpkg, but compare gave "
                            + forward + " and, reversed, " + backward);
                }
            } catch (InvalidVersionException e) {
                failures.add(show(a) + " " + row.get("op").asText() + " " + show(b) + ": " + e.getMessage());
            }
        }
        assertTrue(failures.size() + " failures:\n" + String.join("\n", failures), failures.isEmpty());
        assertTrue(pairs.size() + " pairs in the table", pairs.size() >= 40);
    }

    private static String refusal(String version) {
        try {
            DPKG.compare(version, "1.0");
            fail(show(version) + " was accepted");
            return null;
        } catch (InvalidVersionException e) {
            return e.getMessage();
        }
    }

    @Test
    public void anEpochIsAsciiDigits() {
        String message = refusal("\u0665:1.0");
        assertTrue(message, message.contains("an epoch is ASCII digits 0-9 (U+0665 is a digit of another script)"));
        message = refusal("1\uff15:1.0");
        assertTrue(message, message.contains("the epoch before ':' is not a number"));
        assertTrue(message, message.contains("U+FF15"));
        // An epoch still orders first, and as a number.
        assertTrue(DPKG.compare("5:1.0", "4:9.9") > 0);
        assertTrue(DPKG.compare("10:1.0", "9:1.0") > 0);
        assertEquals(0, DPKG.compare("+1:1.0", "01:1.0"));
        assertTrue(refusal("2147483648:1.0").contains("larger than 2147483647"));
        assertTrue(refusal("-1:1.0").contains("negative"));
    }

    @Test
    public void anEmptyRevisionIsRefused() {
        String message = refusal("1.0-");
        assertTrue(message, message.contains("the revision after the last '-' is empty"));
        assertFalse(DPKG.isValid("1.0-1-"));
        // A '-' inside the upstream version is fine, as long as a revision follows the last one.
        assertTrue(DPKG.compare("1.0--1", "1.0-1") > 0);
    }

    @Test
    public void charactersDpkgOnlyWarnsAboutAreComparedAsDpkgDoes() {
        // dpkg weighs '_' as any non-letter: after letters and '+', '-' and '.', with '~' before everything.
        assertTrue(DPKG.compare("1.0_1", "1.0") > 0);
        assertTrue(DPKG.compare("1.0_1", "1.0.1") > 0);
        assertTrue(DPKG.compare("1.0_1", "1.0+1") > 0);
        assertTrue(DPKG.compare("1.0_1", "1.0a") > 0);
        assertTrue(DPKG.compare("1.0_1", "1.0_2") < 0);
        assertTrue(DPKG.compare("1.0-1_1", "1.0-1.1") > 0);
        assertTrue(DPKG.isValid("a1.0"));
    }

    @Test
    public void whatDpkgCannotBeGivenOrOrdersPerMachineIsRefusedSayingWhy() {
        assertTrue(refusal("1.0\u00002").contains("NUL"));
        assertTrue(refusal("1.0\u00e9").contains("U+00E9, which is not ASCII"));
        try {
            DPKG.compare(null, "1.0");
            fail("null was compared");
        } catch (InvalidVersionException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no version given"));
        }
    }

    @Test
    public void onlyBlanksAreTrimmedAsDpkgTrims() {
        assertEquals(0, DPKG.compare(" \t1.0-1\t ", "1.0-1"));
        assertTrue(refusal("1.0 -1").contains("embedded spaces"));
        // A newline is no blank to dpkg: it stays part of the version, which dpkg only warns about.
        assertTrue(DPKG.compare("1.0\n", "1.0") > 0);
    }
}
