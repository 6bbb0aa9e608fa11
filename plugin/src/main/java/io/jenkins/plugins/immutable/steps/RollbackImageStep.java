package io.jenkins.plugins.immutable.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Run;
import hudson.util.FormValidation;
import hudson.model.TaskListener;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.Strategy;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Action;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;
import org.kohsuke.stapler.StaplerRequest2;
import net.sf.json.JSONObject;

/**
 * {@code rollbackImage environment: 'prod'}: returns an environment to its previous known-good digest from the ledger
 * (or to {@code to}, a digest that was live there), by replacement: an instant switch while the old colour is
 * retained, else a deployment anew. Today's gates apply unless {@code force} gives a reason, which the ledger
 * records. Returns the environment's digest, pinned. Survives a controller restart.
 */
public final class RollbackImageStep extends Step {

    private final String environment;
    private String to;
    private String force;
    private Strategy strategy;
    private String approvers;

    @DataBoundConstructor
    public RollbackImageStep(String environment) {
        this.environment = environment;
    }

    public String getEnvironment() {
        return environment;
    }

    /** The digest to return to ({@code sha256:...}); null = the previous known-good one. */
    public String getTo() {
        return to;
    }

    @DataBoundSetter
    public void setTo(String to) {
        this.to = BakeImageStep.blank(to);
    }

    /** A reason to override refusing gates (never approval); recorded in the ledger. */
    public String getForce() {
        return force;
    }

    @DataBoundSetter
    public void setForce(String force) {
        this.force = BakeImageStep.blank(force);
    }

    public Strategy getStrategy() {
        return strategy;
    }

    @DataBoundSetter
    public void setStrategy(Strategy strategy) {
        this.strategy = strategy;
    }

    public String getApprovers() {
        return approvers;
    }

    @DataBoundSetter
    public void setApprovers(String approvers) {
        this.approvers = BakeImageStep.blank(approvers);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        if (environment == null || environment.isBlank()) {
            throw new AbortException(Messages.RollbackImageStep_Required());
        }
        String target = null;
        if (to != null) {
            try {
                target = Digest.parse(to).toString();
            } catch (EngineException e) {
                throw Runs.abort(e);
            }
        }
        return new PromotionExecution(context, new Operation(Action.ROLLBACK, null, environment.strip(),
                PromoteImageStep.config(strategy), false, target, force, approvers, null, null));
    }

    @Extension
    public static final class DescriptorImpl extends DeliveryStepDescriptor {

        @Override
        public String getFunctionName() {
            return "rollbackImage";
        }

        /** The strategy drop-down's first choice, the environment's own strategy, is no argument. */
        @Override
        public Step newInstance(StaplerRequest2 req, @NonNull JSONObject formData) throws FormException {
            return super.newInstance(req, withoutEmptyChoice(formData, "strategy"));
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.RollbackImageStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FlowNode.class);
        }

        @POST
        public FormValidation doCheckTo(@AncestorInPath Item item, @QueryParameter String value) {
            checkConfigure(item);
            if (value == null || value.isBlank() || value.contains("${")) {
                return FormValidation.ok();
            }
            try {
                Digest.parse(value.strip());
                return FormValidation.ok();
            } catch (EngineException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        /** "prod to sha256:1234abcd (blueGreen)". */
        @Override
        public String argumentsToString(@NonNull Map<String, Object> namedArgs) {
            Object env = namedArgs.get("environment");
            if (!(env instanceof String)) {
                return null;
            }
            Object to = namedArgs.get("to");
            String strategy = PromoteImageStep.strategyName(namedArgs.get("strategy"));
            return env + (to instanceof String s ? " to " + (s.length() > 15 ? s.substring(0, 15) : s) : "")
                    + (namedArgs.get("force") != null ? " (forced)" : "")
                    + (strategy == null ? "" : " (" + strategy + ")");
        }
    }
}
