package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** {@code thresholds}: scores at or above {@code pass} pass, at or above {@code marginal} are marginal. */
public final class Thresholds implements Describable<Thresholds> {

    private Double pass;
    private Double marginal;

    @DataBoundConstructor
    public Thresholds() {
    }

    public Double getPass() {
        return pass;
    }

    @DataBoundSetter
    public void setPass(Double pass) {
        this.pass = pass;
    }

    public Double getMarginal() {
        return marginal;
    }

    @DataBoundSetter
    public void setMarginal(Double marginal) {
        this.marginal = marginal;
    }

    AnalysisTemplateConfig.Thresholds toConfig() {
        return new AnalysisTemplateConfig.Thresholds(pass, marginal);
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<Thresholds> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.Thresholds_DisplayName();
        }

        @POST
        public FormValidation doCheckMarginal(@QueryParameter String pass, @QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new AnalysisTemplateConfig.Thresholds(number(pass), number(value)));
        }

        private static Double number(String text) {
            return text == null || text.isBlank() ? null : Double.valueOf(text.strip());
        }
    }
}
