package io.jenkins.plugins.immutable.scan;

/** A scan's outcome under its policy. */
public enum Verdict {
    /** No finding fails the policy, and the scan read everything (or the policy accepts what it skipped). */
    PASSED,
    /** Findings fail the policy (whether or not the scan also skipped content). */
    FAILED,
    /** No finding fails the policy, but the scan skipped content where one may hide, and the policy does not accept that. */
    INCOMPLETE
}
