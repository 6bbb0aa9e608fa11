package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.util.List;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** One metric of an analysis template: {@code metrics[]}. */
public final class Metric implements Describable<Metric> {

    private final String name;
    private String group;
    private String query;
    private String direction;
    private boolean critical;
    private boolean mustHaveData;

    @DataBoundConstructor
    public Metric(String name) {
        this.name = Forms.optional(name);
    }

    public String getName() {
        return name;
    }

    public String getGroup() {
        return group;
    }

    @DataBoundSetter
    public void setGroup(String group) {
        this.group = Forms.optional(group);
    }

    /** The query; {@code ${scope}}, {@code ${environment}}, {@code ${servers}}, {@code ${role}} are filled in. */
    public String getQuery() {
        return query;
    }

    @DataBoundSetter
    public void setQuery(String query) {
        this.query = Forms.optional(query);
    }

    public String getDirection() {
        return direction;
    }

    @DataBoundSetter
    public void setDirection(String direction) {
        this.direction = Forms.optional(direction);
    }

    public boolean isCritical() {
        return critical;
    }

    @DataBoundSetter
    public void setCritical(boolean critical) {
        this.critical = critical;
    }

    public boolean isMustHaveData() {
        return mustHaveData;
    }

    @DataBoundSetter
    public void setMustHaveData(boolean mustHaveData) {
        this.mustHaveData = mustHaveData;
    }

    AnalysisTemplateConfig.MetricConfig toConfig() {
        return new AnalysisTemplateConfig.MetricConfig(name, group, query, direction, critical, mustHaveData);
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<Metric> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.Metric_DisplayName();
        }

        @POST
        public ListBoxModel doFillDirectionItems(@QueryParameter String direction) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.choices(List.of("increase", "decrease", "either"), direction, "either");
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new AnalysisTemplateConfig.MetricConfig(value, null, null, null, false, false));
        }
    }
}
