package io.jenkins.plugins.immutable.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Run;
import hudson.util.FormValidation;
import hudson.model.TaskListener;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.actions.ProvenanceAction;
import io.jenkins.plugins.immutable.attest.AttestResult;
import io.jenkins.plugins.immutable.attest.Attestor;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.SigningConfig;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.sign.ImageSigner;
import io.jenkins.plugins.immutable.sign.SignResult;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * {@code signImage}: signs an image's digest in cosign's formats, on the controller (the private key never leaves
 * it), and attaches the SLSA provenance this run's {@code bakeImage} recorded for that digest. Returns the image
 * pinned.
 */
public final class SignImageStep extends Step {

    private final String image;
    private String key;
    private List<String> annotations;
    private Boolean attestProvenance;

    @DataBoundConstructor
    public SignImageStep(String image) {
        this.image = image;
    }

    public String getImage() {
        return image;
    }

    /** A signing key id of the configuration; null = the only configured key. */
    public String getKey() {
        return key;
    }

    @DataBoundSetter
    public void setKey(String key) {
        this.key = BakeImageStep.blank(key);
    }

    public List<String> getAnnotations() {
        return annotations;
    }

    @DataBoundSetter
    public void setAnnotations(List<String> annotations) {
        this.annotations = BakeImageStep.list(annotations);
    }

    public boolean isAttestProvenance() {
        return attestProvenance == null || attestProvenance;
    }

    @DataBoundSetter
    public void setAttestProvenance(boolean attestProvenance) {
        this.attestProvenance = attestProvenance ? null : Boolean.FALSE;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    /** The key a step names, else the only configured one; an error lists the configured ids. */
    static String keyId(DeliveryConfig config, String key) throws AbortException {
        List<String> ids = config.signing().keys().stream().map(SigningConfig.SigningKeyConfig::id).toList();
        if (key != null) {
            if (!ids.contains(key)) {
                throw new AbortException(Messages.SignImageStep_UnknownKey(key, ids.isEmpty() ? "none"
                        : String.join(", ", ids)));
            }
            return key;
        }
        if (ids.size() == 1) {
            return ids.get(0);
        }
        throw new AbortException(ids.isEmpty() ? Messages.SignImageStep_NoKey()
                : Messages.SignImageStep_WhichKey(String.join(", ", ids)));
    }

    static final class Execution extends DeliveryExecution<String> {

        private static final long serialVersionUID = 1L;

        private final transient SignImageStep step;

        Execution(StepContext context, SignImageStep step) {
            super(context);
            this.step = step;
        }

        @Override
        String perform(StepRun s) throws Exception {
            ProgressListener progress = s.progress();
            String keyId = keyId(s.config(), step.key);
            Map<String, String> annotations = Runs.pairs(step.annotations, "annotations");
            try (Wiring w = s.wiring().build(); SigningKey signingKey = w.signingKey(keyId)) {
                ImageReference ref = ImageReference.parse(step.image);
                SignResult signed = new ImageSigner(w.registry()).withListener(progress).sign(ref, signingKey,
                        annotations);
                ProvenanceAction provenance = s.run().getAction(ProvenanceAction.class);
                List<String> where = new ArrayList<>();
                if (signed.signatureTag() != null) {
                    where.add(signed.signatureTag().toString());
                }
                if (signed.bundle() != null) {
                    where.add(signed.bundle().toString());
                }
                if (provenance != null) {
                    provenance.recordSignature(signed.image().digest(), Messages.SignImageStep_Signature(keyId,
                            signed.key().shortId(), String.join(", ", where)));
                    Optional<ProvenanceAction.BakedImage> baked = provenance.find(signed.image().digest());
                    if (step.isAttestProvenance() && baked.isPresent()) {
                        AttestResult a = new Attestor(w.registry()).withListener(progress).attest(signed.image(),
                                baked.get().statement(), signingKey);
                        provenance.recordAttestation(signed.image().digest(), Messages.SignImageStep_Attestation(
                                a.predicateType(), keyId, a.attestationTag() != null ? a.attestationTag()
                                        : a.image()));
                    }
                }
                s.log(Messages.SignImageStep_Signed(signed.image(), keyId, signed.key().shortId()));
                return signed.image().withoutTag().toString();
            }
        }
    }

    @Extension
    public static final class DescriptorImpl extends DeliveryStepDescriptor {

        @Override
        public String getFunctionName() {
            return "signImage";
        }

        @POST
        public FormValidation doCheckImage(@AncestorInPath Item item, @QueryParameter String value) {
            checkConfigure(item);
            return checkImage(value, false);
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.SignImageStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}
