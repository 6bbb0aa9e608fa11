package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** A private key the sign step may use, by id: {@code signing.keys[]}. The key itself stays in the credentials store. */
public final class SigningKeyEntry implements Describable<SigningKeyEntry> {

    private final String id;
    private final String credentialsId;
    private String passwordCredentialsId;

    @DataBoundConstructor
    public SigningKeyEntry(String id, String credentialsId) {
        this.id = Forms.optional(id);
        this.credentialsId = Forms.optional(credentialsId);
    }

    public String getId() {
        return id;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    public String getPasswordCredentialsId() {
        return passwordCredentialsId;
    }

    @DataBoundSetter
    public void setPasswordCredentialsId(String passwordCredentialsId) {
        this.passwordCredentialsId = Forms.optional(passwordCredentialsId);
    }

    SigningConfig.SigningKeyConfig toConfig() {
        return new SigningConfig.SigningKeyConfig(id, credentialsId, passwordCredentialsId);
    }

    @Extension
    @Symbol("signingKey")
    public static final class DescriptorImpl extends Descriptor<SigningKeyEntry> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.SigningKeyEntry_DisplayName();
        }

        @POST
        public FormValidation doCheckId(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new SigningConfig.SigningKeyConfig(value, "x", null));
        }

        @POST
        public FormValidation doCheckCredentialsId(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.checkCredentials(FileCredentials.class, value, true,
                    Messages.SigningKeyEntry_CredentialsRequired());
        }

        @POST
        public FormValidation doCheckPasswordCredentialsId(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.checkCredentials(StringCredentials.class, value, false, null);
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            return Forms.credentials(FileCredentials.class, credentialsId);
        }

        @POST
        public ListBoxModel doFillPasswordCredentialsIdItems(@QueryParameter String passwordCredentialsId) {
            return Forms.credentials(StringCredentials.class, passwordCredentialsId);
        }
    }
}
