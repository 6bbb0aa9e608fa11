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

/** {@code gates}: what a digest must show before it enters the environment. */
public final class Gates implements Describable<Gates> {

    private List<String> signedBy = new ArrayList<>();
    private String scanMaxAge;
    /** Null (also in configurations saved before the field existed) means the default, true. */
    private Boolean fromPrevious;
    private boolean approval;
    private ProvenanceRequirement provenance;
    private PromotionWindowSettings windows;
    private String soak;
    private ErrorBudgetRequirement slo;

    @DataBoundConstructor
    public Gates() {
    }

    public List<String> getSignedBy() {
        return signedBy == null ? List.of() : signedBy;
    }

    /** Trusted key ids; the form's text may list several, separated by commas. */
    @DataBoundSetter
    public void setSignedBy(List<String> signedBy) {
        this.signedBy = Forms.words(signedBy);
    }

    /** The key ids as one line, for the form's text field. */
    public String getSignedByText() {
        return Forms.line(getSignedBy());
    }

    public String getScanMaxAge() {
        return scanMaxAge;
    }

    @DataBoundSetter
    public void setScanMaxAge(String scanMaxAge) {
        this.scanMaxAge = Forms.optional(scanMaxAge);
    }

    public boolean isFromPrevious() {
        return fromPrevious == null || fromPrevious;
    }

    @DataBoundSetter
    public void setFromPrevious(boolean fromPrevious) {
        this.fromPrevious = fromPrevious;
    }

    public boolean isApproval() {
        return approval;
    }

    @DataBoundSetter
    public void setApproval(boolean approval) {
        this.approval = approval;
    }

    public ProvenanceRequirement getProvenance() {
        return provenance;
    }

    @DataBoundSetter
    public void setProvenance(ProvenanceRequirement provenance) {
        this.provenance = provenance;
    }

    public PromotionWindowSettings getWindows() {
        return windows;
    }

    @DataBoundSetter
    public void setWindows(PromotionWindowSettings windows) {
        this.windows = windows;
    }

    public String getSoak() {
        return soak;
    }

    @DataBoundSetter
    public void setSoak(String soak) {
        this.soak = Forms.optional(soak);
    }

    public ErrorBudgetRequirement getSlo() {
        return slo;
    }

    @DataBoundSetter
    public void setSlo(ErrorBudgetRequirement slo) {
        this.slo = slo;
    }

    GatesConfig toConfig() {
        return new GatesConfig(getSignedBy(), scanMaxAge, isFromPrevious(), approval,
                provenance == null ? null : provenance.toConfig(), windows == null ? null : windows.toConfig(), soak,
                slo == null ? null : slo.toConfig());
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<Gates> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.Gates_DisplayName();
        }

        @POST
        public FormValidation doCheckScanMaxAge(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new GatesConfig(null, value, null, false, null));
        }

        @POST
        public FormValidation doCheckSoak(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new GatesConfig(null, null, null, false, null, null, value, null));
        }
    }
}
