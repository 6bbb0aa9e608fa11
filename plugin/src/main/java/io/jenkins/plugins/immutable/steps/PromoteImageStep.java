package io.jenkins.plugins.immutable.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Run;
import hudson.util.FormValidation;
import hudson.model.TaskListener;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.DeliveryPermissions;
import io.jenkins.plugins.immutable.config.Strategy;
import io.jenkins.plugins.immutable.config.StrategyConfig;
import io.jenkins.plugins.immutable.ledger.Action;
import java.util.Map;
import java.util.Set;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.StaplerRequest2;
import net.sf.json.JSONObject;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code promoteImage image: ref, to: 'prod'}: moves the very same digest into an environment behind its gates
 * (signed, scanned, provenance, came through its upstream environments, approval), copies it into the environment's
 * repository with its signatures and attestations, deploys it with the environment's strategy or the step's
 * ({@code strategy: canary(steps: [5, 25, 50], analysis: 'default')}), records it in the ledger, and returns the
 * environment's new digest, pinned ({@code host/repo@sha256:...}). Survives a controller restart.
 */
public final class PromoteImageStep extends Step {

    private final String image;
    private final String to;
    private Strategy strategy;
    private boolean resolveTag;
    private String approvers;
    private String overrideFreeze;
    private String from;

    @DataBoundConstructor
    public PromoteImageStep(String image, String to) {
        this.image = BakeImageStep.blank(image);
        this.to = to;
    }

    /**
     * The image, pinned: {@code registry/repository@sha256:...} (a tag only with {@code resolveTag: true}); null to
     * take the digest live in the environment's upstream environment (see {@link #getFrom()}).
     */
    public String getImage() {
        return image;
    }

    /** The environment. */
    public String getTo() {
        return to;
    }

    public Strategy getStrategy() {
        return strategy;
    }

    @DataBoundSetter
    public void setStrategy(Strategy strategy) {
        this.strategy = strategy;
    }

    public boolean isResolveTag() {
        return resolveTag;
    }

    @DataBoundSetter
    public void setResolveTag(boolean resolveTag) {
        this.resolveTag = resolveTag;
    }

    public String getApprovers() {
        return approvers;
    }

    /** Who may approve, when the environment asks for approval: user ids or groups, comma-separated. */
    @DataBoundSetter
    public void setApprovers(String approvers) {
        this.approvers = BakeImageStep.blank(approvers);
    }

    /** A reason to promote into a frozen environment or outside its windows; needs the OverrideFreeze permission. */
    public String getOverrideFreeze() {
        return overrideFreeze;
    }

    @DataBoundSetter
    public void setOverrideFreeze(String overrideFreeze) {
        this.overrideFreeze = BakeImageStep.blank(overrideFreeze);
    }

    /**
     * Without an image: the upstream environment whose live digest to take ({@code from: 'staging'}); needed only
     * when the environment takes digests from several.
     */
    public String getFrom() {
        return from;
    }

    @DataBoundSetter
    public void setFrom(String from) {
        this.from = BakeImageStep.blank(from);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        String pinned = image;
        if (to == null || to.isBlank()) {
            throw new AbortException(Messages.PromoteImageStep_Required());
        }
        if (pinned != null && from != null) {
            throw new AbortException(Messages.PromoteImageStep_ImageAndFrom(from));
        }
        if (overrideFreeze != null) {
            Run<?, ?> run = context.get(Run.class);
            if (!run.getParent().hasPermission2(Jenkins.getAuthentication2(), DeliveryPermissions.OVERRIDE_FREEZE)) {
                throw new AbortException(Messages.PromoteImageStep_OverrideNotPermitted(
                        Jenkins.getAuthentication2().getName(), DeliveryPermissions.OVERRIDE_FREEZE.group.title,
                        DeliveryPermissions.OVERRIDE_FREEZE.name));
            }
        }
        return new PromotionExecution(context, new Operation(Action.PROMOTE, pinned, to.strip(),
                config(strategy), resolveTag, null, null, approvers, overrideFreeze, from));
    }

    /** The strategy argument as the engine's record; a wrong value fails the step saying which. */
    static StrategyConfig config(Strategy strategy) throws AbortException {
        try {
            return strategy == null ? null : strategy.toConfig();
        } catch (EngineException e) {
            throw Runs.abort(e);
        }
    }

    /** A reference as a short label: {@code app@sha256:1234abcd}. */
    static String shortImage(Object image) {
        if (!(image instanceof String s)) {
            return null;
        }
        int at = s.indexOf("@sha256:");
        String name = at < 0 ? s : s.substring(0, at);
        name = name.substring(name.lastIndexOf('/') + 1);
        return at < 0 ? name : name + "@sha256:" + s.substring(at + 8, Math.min(s.length(), at + 16));
    }

    /** The strategy argument's name: its symbol as written, or the configured object's. */
    static String strategyName(Object strategy) {
        if (strategy instanceof UninstantiatedDescribable u) {
            return u.getSymbol() != null ? u.getSymbol() : u.getKlass();
        }
        return strategy instanceof Strategy s ? s.getName() : null;
    }

    @Extension
    public static final class DescriptorImpl extends DeliveryStepDescriptor {

        @Override
        public String getFunctionName() {
            return "promoteImage";
        }

        /** The strategy drop-down's first choice, the environment's own strategy, is no argument. */
        @Override
        public Step newInstance(StaplerRequest2 req, @NonNull JSONObject formData) throws FormException {
            return super.newInstance(req, withoutEmptyChoice(formData, "strategy"));
        }

        @POST
        public FormValidation doCheckImage(@AncestorInPath Item item, @QueryParameter String value,
                @QueryParameter boolean resolveTag) {
            checkConfigure(item);
            if (value == null || value.isBlank()) {
                return FormValidation.ok(Messages.PromoteImageStep_NoImage());
            }
            // a tag is what the step refuses at run time, unless resolveTag says to resolve it once
            return checkImage(value, !resolveTag);
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.PromoteImageStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FlowNode.class);
        }

        /** "app@sha256:1234abcd to prod (canary)": the node's label in the stage view and Pipeline Graph View. */
        @Override
        public String argumentsToString(@NonNull Map<String, Object> namedArgs) {
            String image = shortImage(namedArgs.get("image"));
            Object to = namedArgs.get("to");
            String strategy = strategyName(namedArgs.get("strategy"));
            if (!(to instanceof String)) {
                return null;
            }
            if (image == null) {
                Object from = namedArgs.get("from");
                image = Messages.PromoteImageStep_LiveIn(from instanceof String f ? f : Messages.PromoteImageStep_Upstream());
            }
            return image + " to " + to + (strategy == null ? "" : " (" + strategy + ")");
        }
    }
}
