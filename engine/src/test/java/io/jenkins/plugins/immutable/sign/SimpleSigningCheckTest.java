package io.jenkins.plugins.immutable.sign;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.sign.SignatureFinding.Failure;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.AfterClass;
import org.junit.Test;

/** Each way one legacy-layout signature is accepted or rejected, with the reason named. */
public class SimpleSigningCheckTest {

    private static final String REPO = "127.0.0.1:5101/team/app";
    private static final Digest IMAGE = Digest.sha256("image".getBytes(StandardCharsets.UTF_8));
    private static final SigningKey TRUSTED = SigningKey.generate();
    private static final SigningKey OTHER = SigningKey.generate();
    private static final TrustPolicy POLICY = TrustPolicy.of(List.of(TRUSTED.publicKey()));

    @AfterClass
    public static void closeKeys() {
        TRUSTED.close();
        OTHER.close();
    }

    private static SignatureFinding check(CosignSignature signature) {
        return SimpleSigningCheck.check("layer 0", signature, POLICY, IMAGE, Repository.parse(REPO));
    }

    @Test
    public void aSignatureByTheTrustedKeyForThisDigestVerifies() {
        SignatureFinding finding = check(CosignSignature.create(new SimpleSigningPayload(REPO, IMAGE, Map.of()), TRUSTED));
        assertTrue(finding.detail(), finding.isVerified());
        assertEquals(TRUSTED.publicKey(), finding.verifiedBy());
    }

    @Test
    public void aChangedPayloadIsNamedAsTampering() {
        CosignSignature good = CosignSignature.create(new SimpleSigningPayload(REPO, IMAGE, Map.of()), TRUSTED);
        byte[] changed = new String(good.payload(), StandardCharsets.UTF_8).replace(REPO, REPO + "x")
                .getBytes(StandardCharsets.UTF_8);
        SignatureFinding finding = check(new CosignSignature(changed, good.annotations()));
        assertEquals(Failure.TAMPERED_PAYLOAD, finding.failure());
        assertTrue(finding.detail(), finding.detail().contains("payload was changed after signing"));
    }

    @Test
    public void anotherKeyIsNamedAsUntrusted() {
        SignatureFinding finding = check(CosignSignature.create(new SimpleSigningPayload(REPO, IMAGE, Map.of()), OTHER));
        assertEquals(Failure.UNTRUSTED_KEY, finding.failure());
        assertTrue(finding.detail(), finding.detail().contains(OTHER.publicKey().shortId()));
    }

    @Test
    public void aSignatureWithoutKeyHintThatVerifiesWithNoKeySaysBothPossibilities() {
        CosignSignature foreign = CosignSignature.create(new SimpleSigningPayload(REPO, IMAGE, Map.of()), OTHER);
        Map<String, String> cosignStyle = new HashMap<>(foreign.annotations());
        cosignStyle.remove(CosignSignature.KEY_ID_ANNOTATION);
        SignatureFinding finding = check(new CosignSignature(foreign.payload(), cosignStyle));
        assertEquals(Failure.NO_TRUSTED_KEY_VERIFIES, finding.failure());
        assertTrue(finding.detail(), finding.detail().contains("made by another key, or its payload was changed"));
    }

    @Test
    public void aValidSignatureForAnotherDigestIsNamed() {
        Digest other = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
        SignatureFinding finding = check(CosignSignature.create(new SimpleSigningPayload(REPO, other, Map.of()), TRUSTED));
        assertEquals(Failure.OTHER_DIGEST, finding.failure());
        assertTrue(finding.detail(), finding.detail().contains(other.toString()) && finding.detail().contains(IMAGE.toString()));
    }

    @Test
    public void anotherRepositoryIsRefusedUnlessAccepted() {
        CosignSignature signature = CosignSignature.create(
                new SimpleSigningPayload("127.0.0.1:5101/staging/app", IMAGE, Map.of()), TRUSTED);
        assertEquals(Failure.OTHER_IDENTITY, check(signature).failure());
        assertTrue(SimpleSigningCheck.check("l", signature, POLICY.withIdentities(Set.of("127.0.0.1:5101/staging/app")),
                IMAGE, Repository.parse(REPO)).isVerified());
        assertTrue(SimpleSigningCheck.check("l", signature, POLICY.withAnyIdentity(), IMAGE, Repository.parse(REPO))
                .isVerified());
    }

    @Test
    public void aTaggedIdentityAsContainersImageWritesNamesTheRepository() {
        CosignSignature signature = CosignSignature.create(new SimpleSigningPayload(REPO + ":1.0", IMAGE, Map.of()), TRUSTED);
        assertTrue(check(signature).isVerified());
    }

    @Test
    public void malformedLayersAreNamed() {
        assertEquals(Failure.MALFORMED, check(new CosignSignature(new byte[] {'{', '}'}, Map.of())).failure());
        assertEquals(Failure.MALFORMED, check(new CosignSignature(new byte[] {'{', '}'},
                Map.of(CosignSignature.SIGNATURE_ANNOTATION, "not base64!"))).failure());
        byte[] notAPayload = "{\"critical\":{}}".getBytes(StandardCharsets.UTF_8);
        SignatureFinding signedGarbage = check(new CosignSignature(notAPayload, Map.of(CosignSignature.SIGNATURE_ANNOTATION,
                java.util.Base64.getEncoder().encodeToString(TRUSTED.sign(notAPayload)))));
        assertEquals(Failure.MALFORMED, signedGarbage.failure());
        assertTrue(signedGarbage.detail(), signedGarbage.detail().startsWith("verifies with key"));
    }

    /** The payload exactly as cosign writes it (key order, no spaces, {@code "optional":null} without annotations). */
    static byte[] cosignPayload(String dockerReference, Digest digest) {
        return ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + dockerReference + "\"},\"image\":"
                + "{\"docker-manifest-digest\":\"" + digest + "\"},\"type\":\"cosign container image signature\"},"
                + "\"optional\":null}").getBytes(StandardCharsets.UTF_8);
    }

    /** As cosign annotates the layer: the base64 DER signature only, no key hint. */
    static CosignSignature cosignSigned(byte[] payload, SigningKey key) {
        return new CosignSignature(payload, Map.of(CosignSignature.SIGNATURE_ANNOTATION,
                java.util.Base64.getEncoder().encodeToString(key.sign(payload))));
    }

    @Test
    public void cosignsDockerHubIdentityNamesTheSameRepositoryAsDockersShortForms() {
        CosignSignature official = cosignSigned(cosignPayload("index.docker.io/library/alpine", IMAGE), TRUSTED);
        for (String verifiedAs : List.of("alpine", "docker.io/library/alpine", "index.docker.io/library/alpine",
                "registry-1.docker.io/library/alpine")) {
            SignatureFinding finding = SimpleSigningCheck.check("l", official, POLICY, IMAGE,
                    Repository.parse(verifiedAs));
            assertTrue(verifiedAs + ": " + finding.detail(), finding.isVerified());
        }
        CosignSignature user = cosignSigned(cosignPayload("index.docker.io/someone/app", IMAGE), TRUSTED);
        assertTrue(SimpleSigningCheck.check("l", user, POLICY, IMAGE, Repository.parse("someone/app")).isVerified());

        SignatureFinding other = SimpleSigningCheck.check("l", official, POLICY, IMAGE, Repository.parse("busybox"));
        assertEquals("another Docker Hub repository is still another identity", Failure.OTHER_IDENTITY, other.failure());
        SignatureFinding notARepository = SimpleSigningCheck.check("l",
                cosignSigned(cosignPayload("Not A Repository!", IMAGE), TRUSTED), POLICY, IMAGE, Repository.parse(REPO));
        assertEquals(Failure.OTHER_IDENTITY, notARepository.failure());
    }

    @Test
    public void anAcceptedIdentityIsARepositoryHoweverItIsWritten() {
        CosignSignature official = cosignSigned(cosignPayload("index.docker.io/library/alpine", IMAGE), TRUSTED);
        Repository mirror = Repository.parse("127.0.0.1:5101/mirror/alpine");
        assertEquals(Failure.OTHER_IDENTITY, SimpleSigningCheck.check("l", official, POLICY, IMAGE, mirror).failure());
        assertTrue(SimpleSigningCheck.check("l", official, POLICY.withIdentities(Set.of("alpine")), IMAGE, mirror)
                .isVerified());
        assertThrows(io.jenkins.plugins.immutable.EngineException.class,
                () -> POLICY.withIdentities(Set.of("Not/A Repository")));
    }
}
