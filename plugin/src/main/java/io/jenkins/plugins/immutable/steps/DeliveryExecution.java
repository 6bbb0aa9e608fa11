package io.jenkins.plugins.immutable.steps;

import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * The execution of the short steps (bake, sign, verify, scan): one go on a thread of its own (a controller restart in
 * the middle fails the step), the configuration read and checked first, an engine error ending the step with the
 * result and message of its kind ({@link Failures}).
 */
abstract class DeliveryExecution<T> extends SynchronousNonBlockingStepExecution<T> {

    private static final long serialVersionUID = 1L;

    DeliveryExecution(StepContext context) {
        super(context);
    }

    /** The configuration this step runs with: the global one, unless the step's arguments change it. */
    DeliveryConfig configure(DeliveryConfig global) throws AbortException {
        return global;
    }

    /** The step's work. */
    abstract T perform(StepRun step) throws Exception;

    @Override
    protected final T run() throws Exception {
        StepRun step = new StepRun(getContext().get(Run.class), getContext().get(TaskListener.class),
                configure(Runs.config()));
        try {
            return perform(step);
        } catch (EngineException e) {
            throw Failures.forStep(e);
        }
    }
}
