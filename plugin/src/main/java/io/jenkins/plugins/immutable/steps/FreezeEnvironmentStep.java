package io.jenkins.plugins.immutable.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.freeze.FreezeChange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code freezeEnvironment environment: 'prod', reason: 'incident 4711'}: records a freeze in the environment's ledger
 * (who, when, why, this run), after which promotions into it are refused until {@code unfreezeEnvironment}; rollbacks
 * stay allowed. Freezing a frozen environment records nothing. Returns the state: frozen, by, since, reason.
 */
public final class FreezeEnvironmentStep extends Step {

    private final String environment;
    private final String reason;

    @DataBoundConstructor
    public FreezeEnvironmentStep(String environment, String reason) {
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
        return new Execution(context, environment, reason, true);
    }

    /** Freezes or unfreezes; both steps share it. */
    static final class Execution extends DeliveryExecution<Map<String, Object>> {

        private static final long serialVersionUID = 1L;

        private final String environment;
        private final String reason;
        private final boolean freeze;

        Execution(StepContext context, String environment, String reason, boolean freeze) {
            super(context);
            this.environment = environment;
            this.reason = reason;
            this.freeze = freeze;
        }

        @Override
        Map<String, Object> perform(StepRun s) {
            if (environment == null || environment.isBlank()) {
                throw EngineException.badInput("give the environment to " + (freeze ? "freeze" : "unfreeze")
                        + ", for example environment: 'prod'");
            }
            try (Wiring w = s.wiring().build()) {
                w.environment(environment); // an unknown name is bad input naming the configured ones
                String actor = Runs.actor(s.run());
                String run = Runs.url(s.run());
                FreezeChange change = freeze ? w.freezes().freeze(environment, actor, run, reason)
                        : w.freezes().unfreeze(environment, actor, run, reason);
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("environment", environment);
                result.put("frozen", change.state().frozen());
                result.put("recorded", change.recorded());
                if (change.state().frozen()) {
                    result.put("by", change.state().by());
                    result.put("since", String.valueOf(change.state().since()));
                    result.put("reason", change.state().reason());
                }
                return result;
            }
        }
    }

    @Extension
    public static final class DescriptorImpl extends DeliveryStepDescriptor {

        @Override
        public String getFunctionName() {
            return "freezeEnvironment";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.FreezeEnvironmentStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}
