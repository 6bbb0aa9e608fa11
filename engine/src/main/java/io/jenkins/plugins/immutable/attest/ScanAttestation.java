package io.jenkins.plugins.immutable.attest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.scan.ScanOutputs;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import java.util.Collection;
import java.util.Optional;

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

    /**
     * The scan report of the newest (by its finish time) of these verified vuln statements that carries one of this
     * project's scan reports; empty when none does.
     */
    public static Optional<ScanReport> newest(Collection<Statement> verified) {
        ScanReport newest = null;
        for (Statement s : verified) {
            ScanReport report = report(s);
            if (report != null && report.finishedOn() != null
                    && (newest == null || report.finishedOn().isAfter(newest.finishedOn()))) {
                newest = report;
            }
        }
        return Optional.ofNullable(newest);
    }

    /**
     * The newest scan report a trusted key attested about the image; empty when there is none (no attestation, none
     * verified, none of this scanner). An outage reading the registry is thrown.
     */
    public static Optional<ScanReport> newestVerified(AttestationVerifier verifier, ImageReference image,
            TrustPolicy policy) {
        return newest(verifier.verify(image, policy).verified(PredicateTypes.COSIGN_VULN_V1));
    }

    /** The scan report a vuln statement carries as its scanner's result, or null when it carries none of ours. */
    public static ScanReport report(Statement s) {
        com.fasterxml.jackson.databind.JsonNode result = s.predicate().path("scanner").path("result");
        if (!result.isObject()) {
            return null;
        }
        try {
            return ScanOutputs.parseJson(result.toString());
        } catch (EngineException e) {
            return null;
        }
    }
}
