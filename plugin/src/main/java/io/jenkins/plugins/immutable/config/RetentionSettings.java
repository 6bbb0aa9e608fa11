package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** The {@code retention} block: which manifests of the environments' repositories stay, and how often Jenkins prunes. */
public final class RetentionSettings implements Describable<RetentionSettings> {

    private Integer keepLastGood;
    private String keepWithin;
    private List<String> keepTags = new ArrayList<>();
    private String interval;

    @DataBoundConstructor
    public RetentionSettings() {
    }

    public Integer getKeepLastGood() {
        return keepLastGood;
    }

    @DataBoundSetter
    public void setKeepLastGood(Integer keepLastGood) {
        this.keepLastGood = keepLastGood;
    }

    public String getKeepWithin() {
        return keepWithin;
    }

    @DataBoundSetter
    public void setKeepWithin(String keepWithin) {
        this.keepWithin = Forms.optional(keepWithin);
    }

    /** Tags (globs) that always stay. */
    public List<String> getKeepTags() {
        return keepTags == null ? List.of() : keepTags;
    }

    @DataBoundSetter
    public void setKeepTags(List<String> keepTags) {
        this.keepTags = Forms.words(keepTags);
    }

    public String getKeepTagsText() {
        return Forms.line(getKeepTags());
    }

    public String getInterval() {
        return interval;
    }

    @DataBoundSetter
    public void setInterval(String interval) {
        this.interval = Forms.optional(interval);
    }

    RetentionConfig toConfig() {
        return new RetentionConfig(keepLastGood, keepWithin, getKeepTags(), interval);
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<RetentionSettings> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.RetentionSettings_DisplayName();
        }

        @POST
        public FormValidation doCheckKeepLastGood(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new RetentionConfig(value == null || value.isBlank() ? null
                    : Integer.valueOf(value.strip()), null, null, null));
        }

        @POST
        public FormValidation doCheckKeepWithin(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new RetentionConfig(null, value, null, null));
        }

        @POST
        public FormValidation doCheckInterval(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new RetentionConfig(null, null, null, value));
        }
    }
}
