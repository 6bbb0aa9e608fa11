package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.util.List;
import java.util.Objects;

/**
 * What happened to an environment, as the promoter or the rollback reports it to the ledger. The ledger adds the
 * sequence number, the time, the digest that was live before, and the chain links (see {@link LedgerEntry}).
 *
 * @param action   what was asked: a promotion, a rollback, a freeze or an unfreeze
 * @param digest   the image manifest digest that was deployed (or whose deployment failed); null for a freeze or an
 *                 unfreeze, which deploy nothing
 * @param outcome  how it ended ({@link Outcome#RECORDED} for a freeze or an unfreeze)
 * @param actor    who or what asked for it: a user id, or the Jenkins job or CLI user that ran it
 * @param run      the run it came from: a Jenkins run URL, or a CLI invocation id; null when unknown
 * @param source   where the digest came from: the previous environment's name, or the reference it was promoted from
 * @param strategy the deployment strategy used (rolling, blue-green, canary), or null when none deployed
 * @param gates    one line per gate the change passed, as the gates reported it (kept for audit)
 * @param reason   why: required when {@code forced} (gates overridden) and for a freeze or unfreeze, the failure's
 *                 message for a failed outcome
 * @param forced     true when failing gates (a freeze, a closed window, or a rollback's gates) were overridden with a
 *                   reason
 * @param deployment the id of the deployment that carried the change out (see the deploy package), or null
 * @param observation what a check found, for an observation entry ({@link Action#isObservation()}); null otherwise
 */
public record Event(Action action, Digest digest, Outcome outcome, String actor, String run, String source,
        String strategy, List<String> gates, String reason, boolean forced, String deployment,
        Observation observation) {

    static final int MAX_TEXT = 4000;

    public Event {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        if (action.changesDigest()) {
            Objects.requireNonNull(digest, "digest");
            if (outcome == Outcome.RECORDED) {
                throw new IllegalArgumentException("a " + action + " ends deployed, rolled back or failed");
            }
        } else {
            if (digest != null || outcome != Outcome.RECORDED) {
                throw new IllegalArgumentException("a " + action + " names no digest and is only recorded");
            }
        }
        if (action.isObservation()) {
            if (observation == null || observation.action() != action) {
                throw new IllegalArgumentException("a " + action + " entry holds what the " + action + " found");
            }
        } else if (observation != null) {
            throw new IllegalArgumentException("only a rescan or a drift entry holds an observation, not a " + action);
        } else if (!action.changesDigest()) {
            if (reason == null || reason.isBlank()) {
                throw EngineException.badInput("to " + action + " an environment, give a reason; it is recorded in"
                        + " the ledger with who and when, and shown to whoever is refused a promotion");
            }
        }
        if (actor == null || actor.isBlank()) {
            throw EngineException.badInput("a ledger entry needs an actor (who or what made the change):"
                    + " pass the user or job that runs the promotion");
        }
        gates = gates == null ? List.of() : List.copyOf(gates);
        if (forced && (reason == null || reason.isBlank())) {
            throw EngineException.badInput("a forced " + action + (digest == null ? "" : " of " + digest.shortForm())
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
        return new Event(Action.PROMOTE, digest, outcome, actor, null, null, null, List.of(), null, false, null,
                null);
    }

    /** A rollback to {@code digest} by {@code actor} that ended with {@code outcome}. */
    public static Event rollback(Digest digest, Outcome outcome, String actor) {
        return new Event(Action.ROLLBACK, digest, outcome, actor, null, null, null, List.of(), null, false, null,
                null);
    }

    /** {@code actor} froze the environment because of {@code reason}. */
    public static Event freeze(String actor, String reason) {
        return new Event(Action.FREEZE, null, Outcome.RECORDED, actor, null, null, null, List.of(), reason, false,
                null, null);
    }

    /** {@code actor} lifted the environment's freeze because of {@code reason}. */
    public static Event unfreeze(String actor, String reason) {
        return new Event(Action.UNFREEZE, null, Outcome.RECORDED, actor, null, null, null, List.of(), reason, false,
                null, null);
    }

    /** What a check run by {@code actor} (a user, a job, a scheduled task) found. */
    public static Event observed(Observation observation, String actor) {
        return new Event(observation.action(), null, Outcome.RECORDED, actor, null, null, null, List.of(), null,
                false, null, observation);
    }

    /** {@code text} cut to the length a ledger entry keeps, for texts a check words (findings, differences). */
    static String capped(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 3) + "...";
    }

    public Event withRun(String newRun) {
        return new Event(action, digest, outcome, actor, newRun, source, strategy, gates, reason,
                forced, deployment, observation);
    }

    public Event withSource(String newSource) {
        return new Event(action, digest, outcome, actor, run, newSource, strategy, gates, reason,
                forced, deployment, observation);
    }

    public Event withStrategy(String newStrategy) {
        return new Event(action, digest, outcome, actor, run, source, newStrategy, gates, reason,
                forced, deployment, observation);
    }

    public Event withGates(List<String> newGates) {
        return new Event(action, digest, outcome, actor, run, source, strategy, newGates, reason,
                forced, deployment, observation);
    }

    public Event withReason(String newReason) {
        return new Event(action, digest, outcome, actor, run, source, strategy, gates, newReason,
                forced, deployment, observation);
    }

    /** Marks the change as forced past failing gates; {@code why} is recorded. */
    public Event forced(String why) {
        return new Event(action, digest, outcome, actor, run, source, strategy, gates, why,
                true, deployment, observation);
    }

    public Event withDeployment(String newDeployment) {
        return new Event(action, digest, outcome, actor, run, source, strategy, gates, reason,
                forced, newDeployment, observation);
    }

    public Event withOutcome(Outcome newOutcome) {
        return new Event(action, digest, newOutcome, actor, run, source, strategy, gates, reason,
                forced, deployment, observation);
    }
}
