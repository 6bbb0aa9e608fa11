package io.jenkins.plugins.immutable.analysis;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Who decides a marginal verdict. The analysis asks once per held step ({@link #ask}) and then, each time the step's
 * pause has passed again, looks for the answer ({@link #answer}); neither call may block for long, since the
 * deployment's thread makes them. The plugin maps this to an input step (Proceed / Roll back); the CLI to a prompt or
 * a flag. Without an answer by the question's deadline the canary is rolled back.
 */
public interface MarginalHook {

    /** A marginal verdict needs a decision. */
    void ask(MarginalQuestion question);

    /** The decision on the question, once someone made it. */
    Optional<Decision> answer(MarginalQuestion question);

    /** Nobody is asked: a marginal verdict holds the canary until the deadline, then rolls it back. */
    MarginalHook NOBODY = new MarginalHook() {
        @Override
        public void ask(MarginalQuestion question) {
        }

        @Override
        public Optional<Decision> answer(MarginalQuestion question) {
            return Optional.empty();
        }
    };

    /**
     * Decides at once with the given function (a terminal prompt, a fixed policy, a test); the decision is kept per
     * deployment and step.
     */
    static MarginalHook deciding(Function<MarginalQuestion, Decision> decide) {
        Map<String, Decision> decisions = new ConcurrentHashMap<>();
        return new MarginalHook() {
            @Override
            public void ask(MarginalQuestion question) {
                decisions.put(question.deploymentId() + "#" + question.step(), decide.apply(question));
            }

            @Override
            public Optional<Decision> answer(MarginalQuestion question) {
                return Optional.ofNullable(decisions.get(question.deploymentId() + "#" + question.step()));
            }
        };
    }
}
