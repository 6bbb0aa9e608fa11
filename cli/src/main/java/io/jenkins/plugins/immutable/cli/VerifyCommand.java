package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.attest.AttestationVerification;
import io.jenkins.plugins.immutable.attest.AttestationVerifier;
import io.jenkins.plugins.immutable.attest.PredicateTypes;
import io.jenkins.plugins.immutable.attest.Statement;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.sign.SignatureFinding;
import io.jenkins.plugins.immutable.sign.SignatureVerification;
import io.jenkins.plugins.immutable.sign.SignatureVerifier;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable verify}: check an image's signatures (and attestations) against trusted keys. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify that a trusted key signed the image's digest (both cosign layouts are read), and"
            + " optionally that attestations of given types are signed too.",
            "Exit 0 when verified; 3 when no trusted signature is found; 6 when a signature was altered."})
final class VerifyCommand extends EngineCommand {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image: registry/repository@sha256:... or :tag.")
    String image;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY",
            description = "A trusted key id of the configuration, or a public key file (cosign.pub); repeatable."
                    + " Default: every trusted key of the configuration.")
    List<String> keys = new ArrayList<>();

    @Option(names = "--identity", paramLabel = "REPOSITORY",
            description = "Also accept signatures naming this repository (where the image was promoted from);"
                    + " repeatable.")
    List<String> identities = new ArrayList<>();

    @Option(names = "--any-identity", description = "Accept signatures whatever repository they name.")
    boolean anyIdentity;

    @Option(names = "--attestation", paramLabel = "TYPE",
            description = "Also require a verified attestation of this predicate type (slsaprovenance1, vuln, or a"
                    + " URI); repeatable.")
    List<String> attestations = new ArrayList<>();

    @Override
    int run(Session session) {
        ImageReference ref = ImageReference.parse(image);
        List<VerificationKey> trusted = session.verificationKeys(keys);
        if (trusted.isEmpty()) {
            throw EngineException.badInput("no public key to verify with: give --key cosign.pub, or configure"
                    + " signing.trustedKeys");
        }
        TrustPolicy policy = TrustPolicy.of(trusted);
        if (!identities.isEmpty()) {
            policy = policy.withIdentities(new LinkedHashSet<>(identities));
        }
        if (anyIdentity) {
            policy = policy.withAnyIdentity();
        }
        RegistryClient client = session.wiring().registry();
        if (!ref.isPinned()) {
            ref = client.resolve(ref);
            session.output().line("resolved " + image + " to " + ref.digest() + " once; verifying that digest");
        }
        SignatureVerification v = new SignatureVerifier(client).verify(ref, policy);
        ObjectNode json = Output.object();
        json.put("image", ref.toString());
        json.put("verified", v.isVerified());
        ArrayNode keysJson = json.putArray("verifiedKeys");
        v.verifiedKeys().forEach(k -> keysJson.add(k.keyId()));
        ArrayNode findings = json.putArray("signatures");
        StringBuilder human = new StringBuilder(v.summary());
        for (SignatureFinding f : v.findings()) {
            ObjectNode n = findings.addObject();
            n.put("location", f.location());
            n.put("verifiedBy", f.verifiedBy() == null ? null : f.verifiedBy().keyId());
            n.put("failure", f.failure() == null ? null : f.failure().name());
            n.put("detail", f.detail());
            human.append("\n  ").append(f);
        }
        ArrayNode atts = json.putArray("attestations");
        if (v.isVerified() && !attestations.isEmpty()) {
            AttestationVerification av = new AttestationVerifier(client).verify(ref, policy);
            for (String type : attestations) {
                String uri = PredicateTypes.resolve(type);
                List<Statement> statements = av.requireVerified(uri);
                ObjectNode n = atts.addObject();
                n.put("predicateType", uri);
                n.put("verified", statements.size());
                human.append("\n  attestation ").append(uri).append(": ").append(statements.size())
                        .append(" verified");
            }
        }
        if (!v.isVerified()) {
            // say why on standard output too (with --json, as the document), then fail with the kind
            session.output().result(json, null);
        } else {
            session.output().result(json, human.toString());
        }
        v.requireVerified();
        return 0;
    }
}
