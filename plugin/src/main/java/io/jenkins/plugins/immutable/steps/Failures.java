package io.jenkins.plugins.immutable.steps;

import hudson.AbortException;
import hudson.model.Result;
import io.jenkins.plugins.immutable.EngineException;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;

/**
 * How an engine error ends a step: each {@link EngineException.Kind} gets the build result a user expects and a
 * message that starts with what kind of failure it is (docs/plugin.md has the table).
 */
final class Failures {

    private Failures() {
    }

    /** The build result of a step that ended with this kind of error. */
    static Result resultOf(EngineException.Kind kind) {
        // a failed analysis rolled the canary back: the environment is safe, the release did not happen
        return kind == EngineException.Kind.ANALYSIS_FAILED ? Result.UNSTABLE : Result.FAILURE;
    }

    /** The message a user reads: the kind, then the engine's message (what is wrong, what to do). */
    static String message(EngineException e) {
        String message = e.getMessage();
        return switch (e.kind()) {
            case BAD_INPUT -> Messages.Failures_BadInput(message);
            case REFUSED -> Messages.Failures_Refused(message);
            case ANALYSIS_FAILED -> Messages.Failures_AnalysisFailed(message);
            case OUTAGE -> Messages.Failures_Outage(message);
            case INTEGRITY -> Messages.Failures_Integrity(message);
        };
    }

    /** The step's failure, without a stack trace in the log (the message says it all). */
    static AbortException abort(EngineException e) {
        AbortException a = new AbortException(message(e));
        a.initCause(e);
        return a;
    }

    /** What a step fails with: an abort, or for a failed analysis an UNSTABLE interruption of the Pipeline. */
    static Exception forStep(EngineException e) {
        if (resultOf(e.kind()) == Result.UNSTABLE) {
            return new FlowInterruptedException(Result.UNSTABLE, false, new Judged(message(e)));
        }
        return abort(e);
    }

    /** Why a Pipeline stopped UNSTABLE: a canary analysis failed. */
    static final class Judged extends CauseOfInterruption {

        private static final long serialVersionUID = 1L;

        private final String message;

        Judged(String message) {
            this.message = message;
        }

        @Override
        public String getShortDescription() {
            return message;
        }
    }
}
