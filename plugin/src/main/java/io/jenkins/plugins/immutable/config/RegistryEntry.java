package io.jenkins.plugins.immutable.config;

import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** A registry the engine talks to: {@code registries[]} of the shared configuration. */
public final class RegistryEntry implements Describable<RegistryEntry> {

    private final String host;
    private String credentialsId;
    private boolean insecure;

    @DataBoundConstructor
    public RegistryEntry(String host) {
        this.host = Forms.optional(host);
    }

    public String getHost() {
        return host;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Forms.optional(credentialsId);
    }

    public boolean isInsecure() {
        return insecure;
    }

    @DataBoundSetter
    public void setInsecure(boolean insecure) {
        this.insecure = insecure;
    }

    RegistryConfig toConfig() {
        return new RegistryConfig(host, credentialsId, insecure);
    }

    @Extension
    @Symbol("registry")
    public static final class DescriptorImpl extends Descriptor<RegistryEntry> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.RegistryEntry_DisplayName();
        }

        @POST
        public FormValidation doCheckHost(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new RegistryConfig(value, null, false));
        }

        @POST
        public FormValidation doCheckCredentialsId(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.checkCredentials(StandardUsernamePasswordCredentials.class, value, false, null);
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            return Forms.credentials(StandardUsernamePasswordCredentials.class, credentialsId);
        }
    }
}
