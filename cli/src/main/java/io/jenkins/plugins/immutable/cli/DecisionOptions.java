package io.jenkins.plugins.immutable.cli;

import picocli.CommandLine.Option;

/** Who decides what a promotion or rollback may ask of a person: an approval gate, a Marginal canary verdict. */
final class DecisionOptions {

    @Option(names = "--approve", description = "Approve, in your name, if the environment requires approval.")
    boolean approve;

    @Option(names = "--on-marginal", paramLabel = "ACTION", defaultValue = "ask",
            description = "A Marginal canary verdict: ask (on a terminal; otherwise it rolls back at the analysis'"
                    + " deadline), proceed, or rollback.")
    PromotionOutput.OnMarginal onMarginal = PromotionOutput.OnMarginal.ask;

    /** Gives the session its approval and marginal hooks; before the engine is wired. */
    void apply(Session session) {
        session.approval(PromotionOutput.approval(session, approve));
        session.marginal(PromotionOutput.marginal(session, onMarginal));
    }
}
