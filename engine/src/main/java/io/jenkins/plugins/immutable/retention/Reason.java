package io.jenkins.plugins.immutable.retention;

import java.io.Serializable;
import java.util.Objects;

/**
 * Why a manifest stays.
 *
 * @param rule   the rule that keeps it
 * @param detail which environment, entry, tag or subject, for people
 */
public record Reason(Rule rule, String detail) implements Serializable {

    private static final long serialVersionUID = 1L;

    public Reason {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
    }

    /** The rules, in the order a person reading a plan cares about them. */
    public enum Rule {
        /** The ledger says it is live in an environment. */
        LIVE,
        /** An environment's tag points at it (during a promotion it may differ from the ledger's live digest). */
        ENVIRONMENT_TAG,
        /** A deployment in the ledger's record moves from or to it (a blue-green retention keeps the old colour). */
        DEPLOYMENT,
        /** Among an environment's most recent known-good digests: a rollback candidate. */
        KNOWN_GOOD,
        /** A ledger entry inside the window names it. */
        RECENT_ENTRY,
        /** A tag matching the policy's keepTags points at it. */
        KEEP_TAG,
        /** Never promoted, built inside the window. */
        FRESH,
        /** Never promoted, and its build time is unknown: retention deletes nothing it cannot date. */
        UNDATED,
        /** A ledger version. */
        LEDGER,
        /** Part of a kept index (one platform of a multi-platform image). */
        PART_OF,
        /** A signature, attestation or SBOM of a kept manifest. */
        ATTACHMENT;
    }

    @Override
    public String toString() {
        return rule.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ": " + detail;
    }
}
