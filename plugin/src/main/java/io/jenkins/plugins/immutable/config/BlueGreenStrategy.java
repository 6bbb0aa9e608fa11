package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** Start the other colour, switch at once, keep the old one for {@code retention}: {@code blueGreen(retention: '10m')}. */
public final class BlueGreenStrategy extends Strategy {

    private String retention;

    @DataBoundConstructor
    public BlueGreenStrategy() {
    }

    public String getRetention() {
        return retention;
    }

    @DataBoundSetter
    public void setRetention(String retention) {
        this.retention = Forms.optional(retention);
    }

    @Override
    public StrategyConfig toConfig() {
        return new StrategyConfig.BlueGreen(retention);
    }

    @Override
    public String getName() {
        return "blueGreen";
    }

    @Extension
    @Symbol("blueGreen")
    public static final class DescriptorImpl extends Descriptor<Strategy> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.BlueGreenStrategy_DisplayName();
        }

        @POST
        public FormValidation doCheckRetention(@AncestorInPath Item item, @QueryParameter String value) {
            Forms.checkConfigureOrAdminister(item);
            return Forms.check(() -> new StrategyConfig.BlueGreen(value));
        }
    }
}
