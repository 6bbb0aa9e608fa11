package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.immutable.EngineException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** An ignored vulnerability with its reason, optionally for one package and until a date: {@code scan.ignore[]}. */
public final class IgnoreEntry implements Describable<IgnoreEntry> {

    private final String id;
    private final String reason;
    private String packageName;
    private String expires;

    @DataBoundConstructor
    public IgnoreEntry(String id, String reason) {
        this.id = Forms.optional(id);
        this.reason = Forms.optional(reason);
    }

    public String getId() {
        return id;
    }

    public String getReason() {
        return reason;
    }

    public String getPackageName() {
        return packageName;
    }

    @DataBoundSetter
    public void setPackageName(String packageName) {
        this.packageName = Forms.optional(packageName);
    }

    /** The last day the entry applies, {@code yyyy-mm-dd}; null = no end. */
    public String getExpires() {
        return expires;
    }

    @DataBoundSetter
    public void setExpires(String expires) {
        this.expires = Forms.optional(expires);
    }

    ScanConfig.IgnoreConfig toConfig() {
        return new ScanConfig.IgnoreConfig(id, packageName, reason, date(expires));
    }

    static LocalDate date(String text) {
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw EngineException.badInput("expires '" + text + "' is not a date; write it as yyyy-mm-dd, for example"
                    + " 2027-01-31");
        }
    }

    @Extension
    @Symbol("ignore")
    public static final class DescriptorImpl extends Descriptor<IgnoreEntry> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.IgnoreEntry_DisplayName();
        }

        @POST
        public FormValidation doCheckId(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new ScanConfig.IgnoreConfig(value, null, "x", null));
        }

        @POST
        public FormValidation doCheckReason(@QueryParameter String id, @QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new ScanConfig.IgnoreConfig(id == null || id.isBlank() ? "it" : id, null, value,
                    null));
        }

        @POST
        public FormValidation doCheckExpires(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> date(Forms.optional(value)));
        }
    }
}
