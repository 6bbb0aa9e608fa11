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

/** {@code gates.windows}: when promotions into the environment are allowed, as weekly windows in a time zone. */
public final class PromotionWindowSettings implements Describable<PromotionWindowSettings> {

    private String timeZone;
    private List<String> allow = new ArrayList<>();
    private List<String> deny = new ArrayList<>();

    @DataBoundConstructor
    public PromotionWindowSettings() {
    }

    public String getTimeZone() {
        return timeZone;
    }

    @DataBoundSetter
    public void setTimeZone(String timeZone) {
        this.timeZone = Forms.optional(timeZone);
    }

    public List<String> getAllow() {
        return allow == null ? List.of() : allow;
    }

    /** Windows such as {@code Mon-Fri 09:00-17:00}; the form's text area gives one per line. */
    @DataBoundSetter
    public void setAllow(List<String> allow) {
        this.allow = Forms.lines(allow);
    }

    public List<String> getDeny() {
        return deny == null ? List.of() : deny;
    }

    @DataBoundSetter
    public void setDeny(List<String> deny) {
        this.deny = Forms.lines(deny);
    }

    /** The windows one per line, for the form's text areas. */
    public String getAllowText() {
        return String.join("\n", getAllow());
    }

    public String getDenyText() {
        return String.join("\n", getDeny());
    }

    GatesConfig.WindowsConfig toConfig() {
        return new GatesConfig.WindowsConfig(timeZone, getAllow(), getDeny());
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<PromotionWindowSettings> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.PromotionWindowSettings_DisplayName();
        }

        @POST
        public FormValidation doCheckTimeZone(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new GatesConfig.WindowsConfig(value, List.of("00:00-24:00"), List.of()));
        }

        @POST
        public FormValidation doCheckAllow(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            List<String> windows = Forms.lines(List.of(value == null ? "" : value));
            return windows.isEmpty() ? FormValidation.ok()
                    : Forms.check(() -> new GatesConfig.WindowsConfig(null, windows, List.of()));
        }

        @POST
        public FormValidation doCheckDeny(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            List<String> windows = Forms.lines(List.of(value == null ? "" : value));
            return windows.isEmpty() ? FormValidation.ok()
                    : Forms.check(() -> new GatesConfig.WindowsConfig(null, List.of(), windows));
        }
    }
}
