package io.jenkins.plugins.immutable.attest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.scan.ScanOutputs;
import io.jenkins.plugins.immutable.scan.ScanReport;

/**
 * A scan report as cosign's vuln attestation: the in-toto statement that promotion's scan gate reads back. One
 * recipe for every caller (the CLI's {@code scan --attest}, the plugin's {@code scanImage attest: true}).
 */
public final class ScanAttestation {

    private ScanAttestation() {
    }

    /** The scanned image, pinned by the digest the report names. */
    public static ImageReference image(ScanReport report) {
        return ImageReference.parse(report.image()).withDigest(Digest.parse(report.digest()));
    }

    /**
     * The statement about {@link #image(ScanReport)} whose predicate is {@link ScanOutputs#vulnPredicate}: subject
     * the scanned repository and digest, predicate type {@link PredicateTypes#COSIGN_VULN_V1}.
     */
    public static Statement statement(ScanReport report, ScanOutputs.Invocation invocation) {
        if (report.digest() == null) {
            throw EngineException.badInput("the scan of " + report.image() + " names no digest, so there is nothing"
                    + " to attest it about; scan the image from its registry");
        }
        ImageReference pinned = image(report);
        try {
            return Statement.about(Subject.of(pinned.repository().toString(), pinned.digest()),
                    PredicateTypes.COSIGN_VULN_V1, Statement.JSON.readTree(ScanOutputs.vulnPredicate(report, invocation)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the engine wrote a vuln predicate it cannot read back", e);
        }
    }
}
