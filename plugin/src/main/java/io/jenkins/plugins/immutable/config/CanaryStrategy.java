package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.analysis.InconclusivePolicy;
import java.util.ArrayList;
import java.util.List;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * Shift traffic to the canary in steps, pausing and judging between them:
 * {@code canary(steps: [5, 25, 50], pause: '60s', analysis: 'default')}.
 */
public final class CanaryStrategy extends Strategy {

    private List<Integer> steps;
    private String pause;
    private String analysis;
    private Integer replicas;
    private String onInconclusive;

    @DataBoundConstructor
    public CanaryStrategy() {
    }

    /** Traffic percentages, rising; null = the default 5, 25, 50. */
    public List<Integer> getSteps() {
        return steps;
    }

    @DataBoundSetter
    public void setSteps(List<Integer> steps) {
        this.steps = steps == null || steps.isEmpty() ? null : new ArrayList<>(steps);
    }

    public String getPause() {
        return pause;
    }

    @DataBoundSetter
    public void setPause(String pause) {
        this.pause = Forms.optional(pause);
    }

    /** The analysis template that judges each step; null = unjudged. */
    public String getAnalysis() {
        return analysis;
    }

    @DataBoundSetter
    public void setAnalysis(String analysis) {
        this.analysis = Forms.optional(analysis);
    }

    public Integer getReplicas() {
        return replicas;
    }

    @DataBoundSetter
    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    /** What an analysis whose metric source kept failing leads to: hold (ask a person) or rollback. */
    public String getOnInconclusive() {
        return onInconclusive == null ? InconclusivePolicy.HOLD.label() : onInconclusive;
    }

    @DataBoundSetter
    public void setOnInconclusive(String onInconclusive) {
        this.onInconclusive = Forms.optional(onInconclusive);
    }

    @Override
    public StrategyConfig toConfig() {
        return new StrategyConfig.Canary(steps, pause, analysis, replicas, onInconclusive);
    }

    @Override
    public String getName() {
        return "canary";
    }

    /** "5, 25, 50" (or "[5, 25, 50]") as the form's text field holds it. */
    static List<Integer> parseSteps(String text) {
        List<Integer> steps = new ArrayList<>();
        for (String w : Forms.words(text == null ? List.of() : List.of(text))) {
            try {
                steps.add(Integer.valueOf(w));
            } catch (NumberFormatException e) {
                throw EngineException.badInput("canary steps '" + text + "' must be percentages separated by commas,"
                        + " for example 5, 25, 50");
            }
        }
        return steps;
    }

    @Extension
    @Symbol("canary")
    public static final class DescriptorImpl extends Descriptor<Strategy> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.CanaryStrategy_DisplayName();
        }

        /** The form writes the steps as one text field; Pipeline and Configuration as Code give a list. */
        @Override
        public Strategy newInstance(StaplerRequest2 req, @NonNull JSONObject formData) throws FormException {
            Object steps = formData.opt("steps");
            if (steps instanceof String text) {
                JSONObject copy = JSONObject.fromObject(formData);
                try {
                    copy.put("steps", JSONArray.fromObject(parseSteps(text)));
                } catch (EngineException e) {
                    throw new FormException(e.getMessage(), "steps");
                }
                return super.newInstance(req, copy);
            }
            return super.newInstance(req, formData);
        }

        @POST
        public FormValidation doCheckSteps(@AncestorInPath Item item, @QueryParameter String value,
                @QueryParameter String analysis) {
            Forms.checkConfigureOrAdminister(item);
            return Forms.check(() -> new StrategyConfig.Canary(parseSteps(value), null, analysis, null));
        }

        /** Not secret and the same for everyone: whoever may configure the job or Jenkins sees both choices. */
        @POST
        public ListBoxModel doFillOnInconclusiveItems(@AncestorInPath Item item, @QueryParameter String onInconclusive) {
            Forms.checkConfigureOrAdminister(item);
            String selected = onInconclusive == null || onInconclusive.isBlank()
                    ? InconclusivePolicy.HOLD.label() : onInconclusive;
            ListBoxModel model = new ListBoxModel();
            for (InconclusivePolicy p : InconclusivePolicy.values()) {
                model.add(new ListBoxModel.Option(p.label(), p.label(), p.label().equals(selected)));
            }
            return model;
        }

        @POST
        public FormValidation doCheckPause(@AncestorInPath Item item, @QueryParameter String value) {
            Forms.checkConfigureOrAdminister(item);
            return Forms.check(() -> new StrategyConfig.Canary(null, value, null, null));
        }
    }
}
