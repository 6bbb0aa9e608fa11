package io.jenkins.plugins.immutable.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Run;
import hudson.util.FormValidation;
import hudson.model.TaskListener;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.attest.AttestationVerification;
import io.jenkins.plugins.immutable.attest.AttestationVerifier;
import io.jenkins.plugins.immutable.attest.PredicateTypes;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.sign.SignatureVerification;
import io.jenkins.plugins.immutable.sign.SignatureVerifier;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code verifyImage}: fails unless a trusted key signed the image's digest (both cosign layouts are read), and,
 * when asked, unless signed attestations of the given types are attached. Returns the verified image, pinned.
 */
public final class VerifyImageStep extends Step {

    private final String image;
    private List<String> keys;
    private List<String> identities;
    private boolean anyIdentity;
    private List<String> attestations;

    @DataBoundConstructor
    public VerifyImageStep(String image) {
        this.image = image;
    }

    public String getImage() {
        return image;
    }

    /** Trusted key ids; null = every trusted key. */
    public List<String> getKeys() {
        return keys;
    }

    @DataBoundSetter
    public void setKeys(List<String> keys) {
        this.keys = BakeImageStep.list(keys);
    }

    /** Repositories signatures may also name (where the image was promoted from). */
    public List<String> getIdentities() {
        return identities;
    }

    @DataBoundSetter
    public void setIdentities(List<String> identities) {
        this.identities = BakeImageStep.list(identities);
    }

    public boolean isAnyIdentity() {
        return anyIdentity;
    }

    @DataBoundSetter
    public void setAnyIdentity(boolean anyIdentity) {
        this.anyIdentity = anyIdentity;
    }

    /** Predicate types that must be attested too: slsaprovenance1, vuln, or a URI. */
    public List<String> getAttestations() {
        return attestations;
    }

    @DataBoundSetter
    public void setAttestations(List<String> attestations) {
        this.attestations = BakeImageStep.list(attestations);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    static final class Execution extends DeliveryExecution<String> {

        private static final long serialVersionUID = 1L;

        private final transient VerifyImageStep step;

        Execution(StepContext context, VerifyImageStep step) {
            super(context);
            this.step = step;
        }

        @Override
        String perform(StepRun s) throws Exception {
            ProgressListener progress = s.progress();
            try (Wiring w = s.wiring().build()) {
                TrustPolicy policy = w.trustPolicy(step.keys == null ? List.of() : step.keys);
                if (step.identities != null) {
                    policy = policy.withIdentities(new LinkedHashSet<>(step.identities));
                }
                if (step.anyIdentity) {
                    policy = policy.withAnyIdentity();
                }
                ImageReference ref = ImageReference.parse(step.image);
                if (!ref.isPinned()) {
                    ref = w.registry().resolve(ref);
                    progress.line(Messages.VerifyImageStep_Resolved(step.image, ref.digest()));
                }
                SignatureVerification v = new SignatureVerifier(w.registry()).verify(ref, policy);
                progress.line(v.summary());
                v.requireVerified();
                if (step.attestations != null) {
                    AttestationVerification av = new AttestationVerifier(w.registry()).verify(ref, policy);
                    for (String type : step.attestations) {
                        String uri = PredicateTypes.resolve(type);
                        int n = av.requireVerified(uri).size();
                        progress.line(Messages.VerifyImageStep_Attested(uri, n));
                    }
                }
                return ref.withoutTag().toString();
            }
        }
    }

    @Extension
    public static final class DescriptorImpl extends DeliveryStepDescriptor {

        @Override
        public String getFunctionName() {
            return "verifyImage";
        }

        @POST
        public FormValidation doCheckImage(@AncestorInPath Item item, @QueryParameter String value) {
            checkConfigure(item);
            return checkImage(value, false);
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.VerifyImageStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}
