package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** A public key that gates and verification trust, by id: {@code signing.trustedKeys[]}. */
public final class TrustedKeyEntry implements Describable<TrustedKeyEntry> {

    private final String id;
    private final String publicKey;

    @DataBoundConstructor
    public TrustedKeyEntry(String id, String publicKey) {
        this.id = Forms.optional(id);
        this.publicKey = Forms.optional(publicKey);
    }

    public String getId() {
        return id;
    }

    public String getPublicKey() {
        return publicKey;
    }

    SigningConfig.TrustedKeyConfig toConfig() {
        return new SigningConfig.TrustedKeyConfig(id, publicKey);
    }

    @Extension
    @Symbol("trustedKey")
    public static final class DescriptorImpl extends Descriptor<TrustedKeyEntry> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.TrustedKeyEntry_DisplayName();
        }

        @POST
        public FormValidation doCheckId(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new SigningConfig.SigningKeyConfig(value, "x", null));
        }

        /** Reads the keys as the engine will, and names them (key id), so a paste error shows at once. */
        @POST
        public FormValidation doCheckPublicKey(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            try {
                new SigningConfig.TrustedKeyConfig("key", value);
                List<VerificationKey> keys = VerificationKey.allFromPem(value, "this public key");
                return FormValidation.ok(Messages.TrustedKeyEntry_Keys(String.join(", ",
                        keys.stream().map(VerificationKey::shortId).toList())));
            } catch (EngineException e) {
                return FormValidation.error(e.getMessage());
            }
        }
    }
}
