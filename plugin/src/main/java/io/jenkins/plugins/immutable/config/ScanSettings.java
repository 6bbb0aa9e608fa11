package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** The {@code scan} block: where the vulnerability database is, the policy, and the ignore list. */
public final class ScanSettings implements Describable<ScanSettings> {

    private String database;
    private String failOn;
    private boolean failOnFixableOnly;
    private boolean acceptIncomplete;
    private String rescanInterval;
    private List<IgnoreEntry> ignore = new ArrayList<>();

    @DataBoundConstructor
    public ScanSettings() {
    }

    /** A directory or zip of OSV JSON files, on the agent that scans. */
    public String getDatabase() {
        return database;
    }

    @DataBoundSetter
    public void setDatabase(String database) {
        this.database = Forms.optional(database);
    }

    public String getFailOn() {
        return failOn == null ? ScanConfig.DEFAULTS.failOn() : failOn;
    }

    @DataBoundSetter
    public void setFailOn(String failOn) {
        this.failOn = Forms.optional(failOn);
    }

    public boolean isFailOnFixableOnly() {
        return failOnFixableOnly;
    }

    @DataBoundSetter
    public void setFailOnFixableOnly(boolean failOnFixableOnly) {
        this.failOnFixableOnly = failOnFixableOnly;
    }

    public boolean isAcceptIncomplete() {
        return acceptIncomplete;
    }

    @DataBoundSetter
    public void setAcceptIncomplete(boolean acceptIncomplete) {
        this.acceptIncomplete = acceptIncomplete;
    }

    /** How often Jenkins re-scans what is live and retained (Jenkins only); null = never on its own. */
    public String getRescanInterval() {
        return rescanInterval;
    }

    @DataBoundSetter
    public void setRescanInterval(String rescanInterval) {
        this.rescanInterval = Forms.optional(rescanInterval);
    }

    public List<IgnoreEntry> getIgnore() {
        return ignore == null ? List.of() : ignore;
    }

    @DataBoundSetter
    public void setIgnore(List<IgnoreEntry> ignore) {
        this.ignore = ignore == null ? new ArrayList<>() : new ArrayList<>(ignore);
    }

    ScanConfig toConfig() {
        return new ScanConfig(database, failOn, failOnFixableOnly,
                getIgnore().stream().map(IgnoreEntry::toConfig).toList(), acceptIncomplete);
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<ScanSettings> {

        /** The severities, as the shared configuration writes them. */
        static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low", "none");

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.ScanSettings_DisplayName();
        }

        @POST
        public ListBoxModel doFillFailOnItems(@QueryParameter String failOn) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.choices(SEVERITIES, failOn, ScanConfig.DEFAULTS.failOn());
        }

        @POST
        public FormValidation doCheckRescanInterval(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return value == null || value.isBlank() ? FormValidation.ok() : Forms.check(() -> Durations.parse(value));
        }

        @POST
        public FormValidation doCheckFailOn(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new ScanConfig(null, value, false, null));
        }
    }
}
