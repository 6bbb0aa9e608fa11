package io.jenkins.plugins.immutable.rescan;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.scan.ScanReport;
import java.util.List;
import java.util.Objects;

/**
 * One digest's re-scan: scanned once, from one repository that holds it, for every environment that uses it.
 *
 * @param scannedFrom the image scanned, pinned; null when no repository holds the digest any more
 * @param report      the scan's report; null when the scan could not be made ({@code error} says why)
 * @param error       why the digest could not be scanned; null when it was
 * @param attestedIn  where the result was attested (each repository of the environments using it), empty without a key
 */
public record DigestScan(Digest digest, List<Use> uses, ImageReference scannedFrom, ScanReport report, String error,
        List<ImageReference> attestedIn) {

    public DigestScan {
        Objects.requireNonNull(digest, "digest");
        uses = List.copyOf(uses);
        attestedIn = List.copyOf(attestedIn);
        if ((report == null) == (error == null)) {
            throw new IllegalArgumentException("a digest's re-scan has either a report or an error");
        }
    }

    /** True when the scan was made and its policy failed today (findings, or content not read). */
    public boolean fails() {
        return report != null && !report.passed();
    }

    /** Why the digest fails today: the scan's date, its counts and the policy's reasons. */
    public String why() {
        if (report == null) {
            return "not scanned: " + error;
        }
        return "the re-scan of " + report.finishedOn() + " found " + report.summary()
                + (report.reasons().isEmpty() ? "" : ": " + String.join("; ", report.reasons()));
    }
}
