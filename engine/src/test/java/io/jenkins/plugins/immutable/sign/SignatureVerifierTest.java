package io.jenkins.plugins.immutable.sign;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.ImageIndex;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryClientTest;
import io.jenkins.plugins.immutable.sign.SignatureFinding.Failure;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.AfterClass;
import org.junit.Test;

/** Signing and verification against the stack's registry (Debian's docker-registry, which has no referrers API). */
public class SignatureVerifierTest {

    private static final SigningKey KEY = SigningKey.generate();
    private static final SigningKey OTHER_KEY = SigningKey.generate();
    private static final TrustPolicy TRUST_KEY = TrustPolicy.of(List.of(KEY.publicKey()));

    private final RegistryClient client = RegistryClient.builder().build();
    private final ImageSigner signer = new ImageSigner(client);
    private final SignatureVerifier verifier = new SignatureVerifier(client);

    @AfterClass
    public static void closeKeys() {
        KEY.close();
        OTHER_KEY.close();
    }

    private ImageReference pushImage(String prefix, long seed) {
        Repository repo = new Repository(Stack.registry(), Stack.uniqueRepository(prefix));
        ImageManifest manifest = RegistryClientTest.image(client, repo, MediaTypes.OCI_MANIFEST, seed);
        return client.putManifest(repo.tag("1.0"), manifest);
    }

    @Test
    public void anImageSignedInBothFormatsVerifiesInBoth() {
        ImageReference image = pushImage("sign/both", 1);
        SignResult result = signer.sign(image, KEY, Map.of("build", "7"));
        assertEquals(image.digest(), result.image().digest());
        SignatureVerification verification = verifier.verify(image.withoutTag(), TRUST_KEY);
        verification.requireVerified();
        assertEquals(List.of(KEY.publicKey()), verification.verifiedKeys());
        assertEquals(verification.findings().toString(), 2, verification.findings().size());
        assertTrue(verification.findings().get(0).location().endsWith(image.digest().tagSafe() + ".sig layer 1"));
        assertTrue(verification.findings().get(1).location().startsWith("bundle "));
    }

    @Test
    public void theBundleIsFoundThroughTheIndexTagWhereTheRegistryHasNoReferrersApi() {
        ImageReference image = pushImage("sign/bundle", 2);
        SignResult result = signer.sign(image, KEY, Map.of(), Set.of(SignatureFormat.BUNDLE));
        assertNull(result.signatureTag());
        ImageIndex fallback = (ImageIndex) client.getManifest(image.repository().tag(image.digest().tagSafe()));
        Descriptor referrer = fallback.manifests().get(0);
        assertEquals(SigstoreBundle.MEDIA_TYPE, referrer.artifactType());
        ImageManifest artifact = (ImageManifest) client.getManifest(ImageReference.of(image.repository(), null, referrer.digest()));
        assertEquals(MediaTypes.OCI_EMPTY, artifact.config().mediaType());
        assertEquals(image.digest(), artifact.subject().digest());
        assertEquals("dsse-envelope", artifact.annotations().get(SigstoreBundle.CONTENT_ANNOTATION));
        assertEquals(ImageSigner.COSIGN_SIGN_PREDICATE, artifact.annotations().get(SigstoreBundle.PREDICATE_TYPE_ANNOTATION));
        assertTrue(verifier.verify(image, TRUST_KEY).isVerified());
    }

    @Test
    public void signingAppendsALayerPerSignatureAndKeepsTheOthers() {
        ImageReference image = pushImage("sign/append", 3);
        signer.sign(image, KEY, Map.of(), Set.of(SignatureFormat.LEGACY));
        signer.sign(image, KEY, Map.of(), Set.of(SignatureFormat.LEGACY));
        signer.sign(image, OTHER_KEY, Map.of(), Set.of(SignatureFormat.LEGACY));
        ImageManifest sig = (ImageManifest) client.getManifest(
                CosignAttachments.tag(image.repository(), image.digest(), CosignAttachments.SIGNATURES));
        assertEquals("the same signature twice is stored once", 2, sig.layers().size());
        for (Descriptor layer : sig.layers()) {
            assertEquals(SimpleSigningPayload.MEDIA_TYPE, layer.mediaType());
            assertTrue(layer.annotations().containsKey(CosignSignature.SIGNATURE_ANNOTATION));
        }
        assertEquals(MediaTypes.OCI_MANIFEST, sig.mediaType());
        SignatureVerification verification = verifier.verify(image, TRUST_KEY);
        assertTrue(verification.isVerified());
        assertEquals(Failure.UNTRUSTED_KEY, verification.rejected().get(0).failure());
        SignatureVerification both = verifier.verify(image,
                TrustPolicy.of(List.of(KEY.publicKey(), OTHER_KEY.publicKey())));
        assertEquals(List.of(KEY.publicKey(), OTHER_KEY.publicKey()), both.verifiedKeys());
    }

    @Test
    public void anUnsignedImageFailsSayingThereIsNoSignatureAtAll() {
        ImageReference image = pushImage("sign/none", 4);
        SignatureVerification verification = verifier.verify(image, TRUST_KEY);
        assertFalse(verification.isVerified());
        EngineException e = assertThrows(EngineException.class, verification::requireVerified);
        assertEquals(EngineException.Kind.REFUSED, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("has no signature at all"));
    }

    @Test
    public void aSignatureByAnotherKeyFailsNamingThatKey() {
        ImageReference image = pushImage("sign/foreign", 5);
        signer.sign(image, OTHER_KEY, Map.of());
        EngineException e = assertThrows(EngineException.class, () -> verifier.verify(image, TRUST_KEY).requireVerified());
        assertEquals(EngineException.Kind.REFUSED, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("was made by key " + OTHER_KEY.publicKey().shortId()
                + ", which is not a trusted key"));
    }

    @Test
    public void aTamperedPayloadFailsAsTampering() {
        ImageReference image = pushImage("sign/tamper", 6);
        signer.sign(image, KEY, Map.of(), Set.of(SignatureFormat.LEGACY));
        ImageReference sigTag = CosignAttachments.tag(image.repository(), image.digest(), CosignAttachments.SIGNATURES);
        ImageManifest sig = (ImageManifest) client.getManifest(sigTag);
        Descriptor layer = sig.layers().get(0);
        String payload = new String(client.readBlob(image.repository(), layer), StandardCharsets.UTF_8);
        byte[] changed = payload.replace("\"optional\":null", "\"optional\":{\"approved\":\"yes\"}")
                .getBytes(StandardCharsets.UTF_8);
        Descriptor changedLayer = client.pushBlob(image.repository(), changed).withMediaType(layer.mediaType())
                .withAnnotations(layer.annotations());
        client.putManifest(sigTag, ImageManifest.builder(MediaTypes.OCI_MANIFEST).config(sig.config())
                .layer(changedLayer).build());
        SignatureVerification verification = verifier.verify(image, TRUST_KEY);
        assertEquals(Failure.TAMPERED_PAYLOAD, verification.findings().get(0).failure());
        EngineException e = assertThrows(EngineException.class, verification::requireVerified);
        assertEquals(EngineException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("payload was changed after signing"));
    }

    @Test
    public void aSignatureForAnotherDigestFailsNamingBothDigests() {
        ImageReference signed = pushImage("sign/moved", 7);
        ImageReference other = client.putManifest(signed.repository().tag("2.0"),
                RegistryClientTest.image(client, signed.repository(), MediaTypes.OCI_MANIFEST, 8));
        signer.sign(signed, KEY, Map.of(), Set.of(SignatureFormat.LEGACY));
        ImageManifest sig = (ImageManifest) client.getManifest(
                CosignAttachments.tag(signed.repository(), signed.digest(), CosignAttachments.SIGNATURES));
        client.putManifest(CosignAttachments.tag(other.repository(), other.digest(), CosignAttachments.SIGNATURES), sig);
        SignatureVerification verification = verifier.verify(other, TRUST_KEY);
        assertEquals(Failure.OTHER_DIGEST, verification.findings().get(0).failure());
        EngineException e = assertThrows(EngineException.class, verification::requireVerified);
        assertEquals(EngineException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("for another image, " + signed.digest() + ", not " + other.digest()));
    }

    @Test
    public void aPromotedImageKeepsItsSignatureForTheRepositoriesAccepted() {
        ImageReference image = pushImage("sign/staging", 9);
        signer.sign(image, KEY, Map.of());
        Repository production = new Repository(Stack.registry(), Stack.uniqueRepository("sign/production"));
        ImageManifest manifest = (ImageManifest) client.getManifest(image);
        for (Descriptor blob : manifest.blobs()) {
            client.mountBlob(production, image.repository(), blob.digest());
        }
        ImageReference promoted = client.putManifest(production.tag("1.0"), manifest);
        copySignatures(image, promoted);
        SignatureVerification strict = verifier.verify(promoted, TRUST_KEY);
        assertEquals(Failure.OTHER_IDENTITY, strict.findings().get(0).failure());
        assertTrue(verifier.verify(promoted, TRUST_KEY.withIdentities(Set.of(image.repository().toString())))
                .isVerified());
    }

    private void copySignatures(ImageReference from, ImageReference to) {
        ImageReference sigTag = CosignAttachments.tag(from.repository(), from.digest(), CosignAttachments.SIGNATURES);
        ImageManifest sig = (ImageManifest) client.getManifest(sigTag);
        List<Descriptor> blobs = new ArrayList<>(sig.blobs());
        for (Descriptor blob : blobs) {
            client.mountBlob(to.repository(), from.repository(), blob.digest());
        }
        client.putManifest(CosignAttachments.tag(to.repository(), to.digest(), CosignAttachments.SIGNATURES), sig);
    }

    /**
     * An image mirrored from Docker Hub into the stack's registry, with the signature cosign made for it there (its
     * identity written {@code index.docker.io/library/alpine}, as cosign writes Docker Hub references) copied along:
     * it verifies when Docker Hub's repository is accepted, however the user writes it.
     */
    @Test
    public void aCosignSignatureOfADockerHubImageVerifiesWhenItsRepositoryIsAccepted() {
        ImageReference mirrored = pushImage("mirror/alpine", 11);
        byte[] payload = SimpleSigningCheckTest.cosignPayload("index.docker.io/library/alpine", mirrored.digest());
        CosignSignature signature = SimpleSigningCheckTest.cosignSigned(payload, KEY);
        CosignAttachments.append(client, mirrored.repository(), mirrored.digest(), CosignAttachments.SIGNATURES,
                payload, SimpleSigningPayload.MEDIA_TYPE, signature.annotations(), d -> false);

        SignatureVerification strict = verifier.verify(mirrored, TRUST_KEY);
        assertEquals(Failure.OTHER_IDENTITY, strict.findings().get(0).failure());
        for (String accepted : List.of("alpine", "docker.io/library/alpine", "index.docker.io/library/alpine")) {
            SignatureVerification v = verifier.verify(mirrored, TRUST_KEY.withIdentities(Set.of(accepted)));
            assertTrue(accepted + ": " + v.findings(), v.isVerified());
        }
        assertFalse(verifier.verify(mirrored, TRUST_KEY.withIdentities(Set.of("library/busybox"))).isVerified());
    }
}
