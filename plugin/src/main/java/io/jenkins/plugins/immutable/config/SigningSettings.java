package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import java.util.ArrayList;
import java.util.List;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** The {@code signing} block: private keys by id (in the credentials store) and trusted public keys by id. */
public final class SigningSettings implements Describable<SigningSettings> {

    private List<SigningKeyEntry> keys = new ArrayList<>();
    private List<TrustedKeyEntry> trustedKeys = new ArrayList<>();

    @DataBoundConstructor
    public SigningSettings() {
    }

    public List<SigningKeyEntry> getKeys() {
        return keys == null ? List.of() : keys;
    }

    @DataBoundSetter
    public void setKeys(List<SigningKeyEntry> keys) {
        this.keys = keys == null ? new ArrayList<>() : new ArrayList<>(keys);
    }

    public List<TrustedKeyEntry> getTrustedKeys() {
        return trustedKeys == null ? List.of() : trustedKeys;
    }

    @DataBoundSetter
    public void setTrustedKeys(List<TrustedKeyEntry> trustedKeys) {
        this.trustedKeys = trustedKeys == null ? new ArrayList<>() : new ArrayList<>(trustedKeys);
    }

    SigningConfig toConfig() {
        return new SigningConfig(getKeys().stream().map(SigningKeyEntry::toConfig).toList(),
                getTrustedKeys().stream().map(TrustedKeyEntry::toConfig).toList());
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<SigningSettings> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.SigningSettings_DisplayName();
        }
    }
}
