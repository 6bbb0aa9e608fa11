package io.jenkins.plugins.immutable.scan;

import java.util.Locale;

/**
 * How bad a vulnerability is, in the CVSS qualitative scale that databases and policies share; UNKNOWN when the record
 * gives neither a word nor a CVSS v3 vector.
 */
public enum Severity {
    UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL;

    /** The CVSS v3 rating of a base score: 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10 critical. */
    public static Severity ofScore(double score) {
        if (score >= 9.0) {
            return CRITICAL;
        }
        if (score >= 7.0) {
            return HIGH;
        }
        if (score >= 4.0) {
            return MEDIUM;
        }
        return score > 0 ? LOW : UNKNOWN;
    }

    /**
     * A database's word for a severity: GitHub's {@code LOW/MODERATE/HIGH/CRITICAL}, Ubuntu's priorities
     * ({@code negligible}, {@code low}, {@code medium}, {@code high}, {@code critical}), Red Hat's {@code important};
     * null for words that say nothing ({@code untriaged}, {@code unknown}).
     */
    public static Severity ofWord(String word) {
        if (word == null) {
            return null;
        }
        return switch (word.strip().toLowerCase(Locale.ROOT)) {
            case "critical" -> CRITICAL;
            case "high", "important" -> HIGH;
            case "moderate", "medium" -> MEDIUM;
            case "low", "negligible", "minor" -> LOW;
            default -> null;
        };
    }

    /** Parses a policy threshold ({@code high}, {@code CRITICAL}), with an error that lists the choices. */
    public static Severity parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw io.jenkins.plugins.immutable.EngineException.badInput("'" + text + "' is not a severity; use one"
                    + " of low, medium, high, critical (or unknown)");
        }
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
