package io.jenkins.plugins.immutable.cli;

/**
 * What each exit code means, in one place: {@code --help} prints these, and docs/cli.md's table of exit codes has the
 * same words in its "meaning" column (MainTest compares them), so a code is never described two ways.
 */
final class ExitCodes {

    static final String DONE = "done: promoted (or already live), verified, scan passed, no drift";
    static final String INTERNAL = "an unexpected error: a bug";
    static final String BAD_INPUT = "bad input: an argument, a reference, a file, the configuration, an unknown"
            + " environment, a tag where a digest is needed; a registry that refused the login or answers what no"
            + " registry should";
    static final String REFUSED = "refused: a gate refused the promotion (not signed, not scanned, skipped an"
            + " environment, no approval, frozen, outside its promotion windows, not soaked upstream, an error budget"
            + " burning too fast), a signature is missing, a scan failed its policy or is incomplete; for rescan, a"
            + " live digest fails its policy today (AT RISK) or could not be scanned";
    static final String ANALYSIS_FAILED = "analysis failed: the new digest was judged bad (canary analysis, health"
            + " checks, an image the Docker engine cannot run) and rolled back automatically";
    static final String OUTAGE = "outage: a registry, the Docker engine or Prometheus could not be reached, kept"
            + " failing after bounded retries, or stalled";
    static final String INTEGRITY = "integrity: a digest mismatch, a tampered signature, a broken ledger chain, drift";
    static final String INTERRUPTED = "interrupted";

    private ExitCodes() {
    }
}
