package io.jenkins.plugins.immutable.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code unfreezeEnvironment environment: 'prod', reason: 'incident 4711 resolved'}: records in the environment's
 * ledger that its freeze is lifted. Unfreezing an environment that is not frozen records nothing.
 */
public final class UnfreezeEnvironmentStep extends Step {

    private final String environment;
    private final String reason;

    @DataBoundConstructor
    public UnfreezeEnvironmentStep(String environment, String reason) {
        this.environment = environment;
        this.reason = reason;
    }

    public String getEnvironment() {
        return environment;
    }

    public String getReason() {
        return reason;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new FreezeEnvironmentStep.Execution(context, environment, reason, false);
    }

    @Extension
    public static final class DescriptorImpl extends DeliveryStepDescriptor {

        @Override
        public String getFunctionName() {
            return "unfreezeEnvironment";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.UnfreezeEnvironmentStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}
