package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.util.List;
import java.util.Objects;

/**
 * What happened to an environment, as the promoter or the rollback reports it to the ledger. The ledger adds the
 * sequence number, the time, the digest that was live before, and the chain links (see {@link LedgerEntry}).
 *
 * @param action   what was asked: a promotion or a rollback
 * @param digest   the image manifest digest that was deployed (or whose deployment failed)
 * @param outcome  how it ended
 * @param actor    who or what asked for it: a user id, or the Jenkins job or CLI user that ran it
 * @param run      the run it came from: a Jenkins run URL, or a CLI invocation id; null when unknown
 * @param source   where the digest came from: the previous environment's name, or the reference it was promoted from
 * @param strategy the deployment strategy used (rolling, blue-green, canary), or null when none deployed
 * @param gates    one line per gate the change passed, as the gates reported it (kept for audit)
 * @param reason   why: required when {@code forced} (gates overridden), the failure's message for a failed outcome
 * @param forced     true when failing gates were overridden with a reason
 * @param deployment the id of the deployment that carried the change out (see the deploy package), or null
 */
public record Event(Action action, Digest digest, Outcome outcome, String actor, String run, String source,
        String strategy, List<String> gates, String reason, boolean forced, String deployment) {

    static final int MAX_TEXT = 4000;

    public Event {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(outcome, "outcome");
        if (actor == null || actor.isBlank()) {
            throw EngineException.badInput("a ledger entry needs an actor (who or what made the change):"
                    + " pass the user or job that runs the promotion");
        }
        gates = gates == null ? List.of() : List.copyOf(gates);
        if (forced && (reason == null || reason.isBlank())) {
            throw EngineException.badInput("a forced " + action + " of " + digest.shortForm()
                    + " needs a reason, which is recorded in the ledger: say why the gates are overridden");
        }
        for (String text : new String[] {actor, run, source, strategy, reason, deployment}) {
            if (text != null && text.length() > MAX_TEXT) {
                throw EngineException.badInput("a ledger entry's text is " + text.length() + " characters long;"
                        + " keep actor, run, source, strategy, reason and deployment under " + MAX_TEXT);
            }
        }
    }

    /** A promotion of {@code digest} by {@code actor} that ended with {@code outcome}. */
    public static Event promotion(Digest digest, Outcome outcome, String actor) {
        return new Event(Action.PROMOTE, digest, outcome, actor, null, null, null, List.of(), null, false, null);
    }

    /** A rollback to {@code digest} by {@code actor} that ended with {@code outcome}. */
    public static Event rollback(Digest digest, Outcome outcome, String actor) {
        return new Event(Action.ROLLBACK, digest, outcome, actor, null, null, null, List.of(), null, false, null);
    }

    public Event withRun(String newRun) {
        return new Event(action, digest, outcome, actor, newRun, source, strategy, gates, reason, forced, deployment);
    }

    public Event withSource(String newSource) {
        return new Event(action, digest, outcome, actor, run, newSource, strategy, gates, reason, forced, deployment);
    }

    public Event withStrategy(String newStrategy) {
        return new Event(action, digest, outcome, actor, run, source, newStrategy, gates, reason, forced, deployment);
    }

    public Event withGates(List<String> newGates) {
        return new Event(action, digest, outcome, actor, run, source, strategy, newGates, reason, forced, deployment);
    }

    public Event withReason(String newReason) {
        return new Event(action, digest, outcome, actor, run, source, strategy, gates, newReason, forced, deployment);
    }

    /** Marks the change as forced past failing gates; {@code why} is recorded. */
    public Event forced(String why) {
        return new Event(action, digest, outcome, actor, run, source, strategy, gates, why, true, deployment);
    }

    public Event withDeployment(String newDeployment) {
        return new Event(action, digest, outcome, actor, run, source, strategy, gates, reason, forced, newDeployment);
    }

    public Event withOutcome(Outcome newOutcome) {
        return new Event(action, digest, newOutcome, actor, run, source, strategy, gates, reason, forced, deployment);
    }
}
