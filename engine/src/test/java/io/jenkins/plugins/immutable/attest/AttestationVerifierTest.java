package io.jenkins.plugins.immutable.attest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.bake.Provenance;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryClientTest;
import io.jenkins.plugins.immutable.sign.CosignAttachments;
import io.jenkins.plugins.immutable.sign.DsseEnvelope;
import io.jenkins.plugins.immutable.sign.ImageSigner;
import io.jenkins.plugins.immutable.sign.SignatureFinding.Failure;
import io.jenkins.plugins.immutable.sign.SignatureFormat;
import io.jenkins.plugins.immutable.sign.SignatureVerifier;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.AfterClass;
import org.junit.Test;

/** Attestations attached and verified against the stack's registry. */
public class AttestationVerifierTest {

    private static final SigningKey KEY = SigningKey.generate();
    private static final SigningKey OTHER_KEY = SigningKey.generate();
    private static final TrustPolicy TRUST_KEY = TrustPolicy.of(List.of(KEY.publicKey()));
    private static final String CI = "https://ci.example.com/job/app/";
    private static final String SOURCE = "https://git.example.com/team/app.git";

    private final RegistryClient client = RegistryClient.builder().build();
    private final Attestor attestor = new Attestor(client);
    private final AttestationVerifier verifier = new AttestationVerifier(client);

    @AfterClass
    public static void closeKeys() {
        KEY.close();
        OTHER_KEY.close();
    }

    private ImageReference pushImage(String prefix, long seed) {
        Repository repo = new Repository(Stack.registry(), Stack.uniqueRepository(prefix));
        return client.putManifest(repo.tag("1.0"), RegistryClientTest.image(client, repo, MediaTypes.OCI_MANIFEST, seed));
    }

    private static Statement provenanceOf(ImageReference image, String builder) {
        return SlsaProvenance.statement(new Provenance(new Provenance.Artifact(image.repository().toString(),
                image.digest()), SOURCE, "abc123", List.of(), Map.of(), null, builder, "0.1.0", null,
                Provenance.DOCKER_ENGINE_BUILD_TYPE, "42", Instant.parse("2026-11-22T10:00:00Z"),
                Instant.parse("2026-11-22T10:01:00Z"), Map.of()));
    }

    @Test
    public void provenanceAttestedInBothLayoutsVerifiesAndMeetsThePolicy() {
        ImageReference image = pushImage("attest/provenance", 1);
        AttestResult result = attestor.attest(image, provenanceOf(image, CI + "42/"), KEY);
        ImageManifest att = (ImageManifest) client.getManifest(result.attestationTag());
        Descriptor layer = att.layers().get(0);
        assertEquals(DsseEnvelope.MEDIA_TYPE, layer.mediaType());
        assertEquals(PredicateTypes.SLSA_PROVENANCE_V1, layer.annotations().get("predicateType"));
        AttestationVerification verification = verifier.verify(image, TRUST_KEY);
        assertEquals(verification.findings().toString(), 2, verification.verified(PredicateTypes.SLSA_PROVENANCE_V1).size());
        Statement accepted = verification.requireProvenance(ProvenancePolicy.builderAndSource(CI + "*", SOURCE));
        assertEquals(CI + "42/", SlsaProvenance.read(accepted.predicate()).builderId());
    }

    @Test
    public void provenanceFromAnotherBuilderIsRefusedNamingIt() {
        ImageReference image = pushImage("attest/laptop", 2);
        attestor.attest(image, provenanceOf(image, "https://laptop.example.com/"), KEY);
        EngineException e = assertThrows(EngineException.class, () -> verifier.verify(image, TRUST_KEY)
                .requireProvenance(ProvenancePolicy.builderAndSource(CI + "*", SOURCE)));
        assertEquals(EngineException.Kind.REFUSED, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("built by https://laptop.example.com/, which is not a trusted builder"));
    }

    @Test
    public void anyPredicateIsAttestedAndVerifiedByItsType() throws Exception {
        ImageReference image = pushImage("attest/vuln", 3);
        Statement vuln = Statement.about(Subject.of(image.repository().toString(), image.digest()),
                PredicateTypes.COSIGN_VULN_V1, new ObjectMapper().readTree("{\"scanner\":{\"result\":{\"matches\":[]}}}"));
        attestor.attest(image, vuln, KEY, Set.of(SignatureFormat.LEGACY), false);
        attestor.attest(image, provenanceOf(image, CI + "1/"), KEY, Set.of(SignatureFormat.LEGACY), false);
        AttestationVerification verification = verifier.verify(image, TRUST_KEY);
        assertEquals(List.of(vuln), verification.requireVerified(PredicateTypes.COSIGN_VULN_V1));
        assertEquals(1, verification.verified(PredicateTypes.SLSA_PROVENANCE_V1).size());
    }

    @Test
    public void replacingDropsEarlierAttestationsOfTheSameTypeOnly() throws Exception {
        ImageReference image = pushImage("attest/replace", 4);
        Set<SignatureFormat> legacy = Set.of(SignatureFormat.LEGACY);
        attestor.attest(image, provenanceOf(image, CI + "1/"), KEY, legacy, false);
        attestor.attest(image, Statement.about(Subject.of("x", image.digest()), PredicateTypes.OPENVEX, null), KEY, legacy, false);
        attestor.attest(image, provenanceOf(image, CI + "2/"), KEY, legacy, true);
        AttestationVerification verification = verifier.verify(image, TRUST_KEY);
        assertEquals(2, verification.findings().size());
        assertEquals(CI + "2/", SlsaProvenance.read(verification.verified(PredicateTypes.SLSA_PROVENANCE_V1).get(0)
                .predicate()).builderId());
    }

    @Test
    public void noAttestationAtAllIsNamed() {
        ImageReference image = pushImage("attest/none", 5);
        EngineException e = assertThrows(EngineException.class,
                () -> verifier.verify(image, TRUST_KEY).requireVerified(PredicateTypes.SLSA_PROVENANCE_V1));
        assertEquals(EngineException.Kind.REFUSED, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("has no https://slsa.dev/provenance/v1 attestation at all"));
    }

    @Test
    public void anAttestationByAnotherKeyIsNamed() {
        ImageReference image = pushImage("attest/foreign", 6);
        attestor.attest(image, provenanceOf(image, CI + "1/"), OTHER_KEY);
        AttestationVerification verification = verifier.verify(image, TRUST_KEY);
        assertEquals(2, verification.findings().size());
        verification.findings().forEach(f -> assertEquals(f.toString(), Failure.UNTRUSTED_KEY, f.failure()));
        EngineException e = assertThrows(EngineException.class,
                () -> verification.requireVerified(PredicateTypes.SLSA_PROVENANCE_V1));
        assertTrue(e.getMessage(), e.getMessage().contains(OTHER_KEY.publicKey().shortId()));
    }

    @Test
    public void aChangedStatementIsNamedAsTampering() {
        ImageReference image = pushImage("attest/tamper", 7);
        AttestResult result = attestor.attest(image, provenanceOf(image, CI + "1/"), KEY, Set.of(SignatureFormat.LEGACY), false);
        ImageManifest att = (ImageManifest) client.getManifest(result.attestationTag());
        Descriptor layer = att.layers().get(0);
        DsseEnvelope envelope = DsseEnvelope.parse(client.readBlob(image.repository(), layer));
        byte[] forged = new String(envelope.payload(), StandardCharsets.UTF_8).replace(CI + "1/", CI + "forged/")
                .getBytes(StandardCharsets.UTF_8);
        DsseEnvelope tampered = new DsseEnvelope(envelope.payloadType(), forged, envelope.signatures());
        client.putManifest(CosignAttachments.tag(image.repository(), image.digest(), CosignAttachments.ATTESTATIONS),
                ImageManifest.builder(MediaTypes.OCI_MANIFEST).config(att.config())
                        .layer(client.pushBlob(image.repository(), tampered.toJson()).withMediaType(layer.mediaType())
                                .withAnnotations(layer.annotations())).build());
        AttestationVerification verification = verifier.verify(image, TRUST_KEY);
        assertEquals(Failure.TAMPERED_PAYLOAD, verification.findings().get(0).failure());
        EngineException e = assertThrows(EngineException.class,
                () -> verification.requireVerified(PredicateTypes.SLSA_PROVENANCE_V1));
        assertEquals(EngineException.Kind.INTEGRITY, e.kind());
    }

    @Test
    public void anAttestationCopiedFromAnotherImageIsNamed() {
        ImageReference attested = pushImage("attest/copied", 8);
        ImageReference other = client.putManifest(attested.repository().tag("2.0"),
                RegistryClientTest.image(client, attested.repository(), MediaTypes.OCI_MANIFEST, 9));
        AttestResult result = attestor.attest(attested, provenanceOf(attested, CI + "1/"), KEY,
                Set.of(SignatureFormat.LEGACY), false);
        client.putManifest(CosignAttachments.tag(other.repository(), other.digest(), CosignAttachments.ATTESTATIONS),
                client.getManifest(result.attestationTag()));
        AttestationVerification verification = verifier.verify(other, TRUST_KEY);
        assertEquals(Failure.OTHER_DIGEST, verification.findings().get(0).failure());
    }

    @Test
    public void aStatementAboutAnotherImageIsNotAttached() {
        ImageReference image = pushImage("attest/mismatch", 10);
        Statement elsewhere = Statement.about(Subject.of("x", Digest.sha256(new byte[0])), PredicateTypes.OPENVEX, null);
        EngineException e = assertThrows(EngineException.class, () -> attestor.attest(image, elsewhere, KEY));
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
    }

    @Test
    public void signaturesAndAttestationsInBundlesAreToldApart() {
        ImageReference image = pushImage("attest/apart", 11);
        new ImageSigner(client).sign(image, KEY, Map.of(), Set.of(SignatureFormat.BUNDLE));
        attestor.attest(image, provenanceOf(image, CI + "1/"), KEY, Set.of(SignatureFormat.BUNDLE), false);
        assertEquals(1, new SignatureVerifier(client).verify(image, TRUST_KEY).findings().size());
        assertEquals(1, verifier.verify(image, TRUST_KEY).findings().size());
    }
}
