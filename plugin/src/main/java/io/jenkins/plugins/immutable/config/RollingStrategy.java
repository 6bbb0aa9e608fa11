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

/** Replace instances {@code batch} at a time: {@code rolling(batch: 2)}. */
public final class RollingStrategy extends Strategy {

    private Integer batch;

    @DataBoundConstructor
    public RollingStrategy() {
    }

    public Integer getBatch() {
        return batch;
    }

    @DataBoundSetter
    public void setBatch(Integer batch) {
        this.batch = batch;
    }

    @Override
    public StrategyConfig toConfig() {
        return new StrategyConfig.Rolling(batch);
    }

    @Override
    public String getName() {
        return "rolling";
    }

    @Extension
    @Symbol("rolling")
    public static final class DescriptorImpl extends Descriptor<Strategy> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.RollingStrategy_DisplayName();
        }

        @POST
        public FormValidation doCheckBatch(@AncestorInPath Item item, @QueryParameter String value) {
            Forms.checkConfigureOrAdminister(item);
            return Forms.check(() -> new StrategyConfig.Rolling(value == null || value.isBlank() ? null
                    : Integer.valueOf(value.strip())));
        }
    }
}
