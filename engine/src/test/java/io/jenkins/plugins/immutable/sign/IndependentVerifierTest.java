package io.jenkins.plugins.immutable.sign;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.attest.Attestor;
import io.jenkins.plugins.immutable.attest.PredicateTypes;
import io.jenkins.plugins.immutable.attest.Statement;
import io.jenkins.plugins.immutable.attest.Subject;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryClientTest;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * What the engine writes, checked by implementations that share no code with it: skopeo (containers/image) fetches
 * the legacy {@code .sig} layout and OpenSSL verifies the signature over what skopeo fetched with the public key file
 * the engine wrote; sigstore-js (@sigstore/verify) verifies the Sigstore bundles; and a signature OpenSSL made is
 * accepted by the engine's verifier. (Debian's skopeo is built with its sigstore support removed, "Debian-local
 * change: sigstore disabled", so a policy.json with {@code sigstoreSigned} cannot be evaluated by it here.)
 */
public class IndependentVerifierTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final char[] PASSWORD = "independent".toCharArray();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClient client = RegistryClient.builder().build();
    private final ImageSigner signer = new ImageSigner(client);
    private Path keys;

    @Before
    public void keyPair() throws IOException {
        keys = tmp.newFolder("keys").toPath();
        KeyFiles.generate(keys, PASSWORD);
    }

    private SigningKey key() {
        return KeyFiles.readSigningKey(keys.resolve(KeyFiles.PRIVATE_KEY_FILE), PASSWORD);
    }

    private Path publicKeyFile() {
        return keys.resolve(KeyFiles.PUBLIC_KEY_FILE);
    }

    private ImageReference pushImage(String prefix, long seed) {
        Repository repo = new Repository(Stack.registry(), Stack.uniqueRepository(prefix));
        return client.putManifest(repo.tag("1.0"), RegistryClientTest.image(client, repo, MediaTypes.OCI_MANIFEST, seed))
                .withoutTag();
    }

    @Test
    public void openSslVerifiesTheSignatureSkopeoFetchesFromTheSigTag() throws Exception {
        ImageReference image = pushImage("independent/legacy", 1);
        try (SigningKey key = key()) {
            signer.sign(image, key, Map.of(), Set.of(SignatureFormat.LEGACY));
        }
        FetchedSignature fetched = fetchWithSkopeo(image);
        assertEquals(MediaTypes.OCI_MANIFEST, fetched.manifest.path("mediaType").asText());
        assertEquals(SimpleSigningPayload.MEDIA_TYPE, fetched.layer.path("mediaType").asText());
        JsonNode payload = JSON.readTree(Files.readAllBytes(fetched.payload));
        assertEquals(skopeoDigest(image), payload.path("critical").path("image").path("docker-manifest-digest").asText());
        assertEquals(image.repository().toString(), payload.path("critical").path("identity").path("docker-reference").asText());
        Result openssl = openSslVerify(publicKeyFile(), fetched.signature, fetched.payload);
        assertEquals(openssl.output, 0, openssl.exitCode);
        assertTrue(openssl.output, openssl.output.contains("Verified OK"));
    }

    @Test
    public void openSslRejectsATamperedPayloadAndAForeignKey() throws Exception {
        ImageReference image = pushImage("independent/reject", 2);
        try (SigningKey foreign = SigningKey.generate()) {
            signer.sign(image, foreign, Map.of(), Set.of(SignatureFormat.LEGACY));
        }
        FetchedSignature fetched = fetchWithSkopeo(image);
        Result foreignKey = openSslVerify(publicKeyFile(), fetched.signature, fetched.payload);
        assertNotEquals(foreignKey.output, 0, foreignKey.exitCode);
        assertTrue(foreignKey.output, foreignKey.output.contains("Verification failure"));
        Path own = tmp.getRoot().toPath().resolve("own.pub");
        try (SigningKey key = key()) {
            Files.writeString(own, key.publicKey().toPem());
            byte[] payload = Files.readAllBytes(fetched.payload);
            Path signature = tmp.getRoot().toPath().resolve("own.sig");
            Files.write(signature, key.sign(payload));
            assertEquals(0, openSslVerify(own, signature, fetched.payload).exitCode);
            Path tampered = tmp.getRoot().toPath().resolve("tampered.json");
            Files.writeString(tampered, new String(payload, StandardCharsets.UTF_8).replace("\"optional\":null",
                    "\"optional\":{\"approved\":\"yes\"}"));
            Result result = openSslVerify(own, signature, tampered);
            assertNotEquals(result.output, 0, result.exitCode);
        }
    }

    @Test
    public void theVerifierAcceptsASignatureOpenSslMadeWithAnOpenSslKey() throws Exception {
        ImageReference image = pushImage("independent/openssl-signed", 3);
        Path privateKey = tmp.getRoot().toPath().resolve("openssl.pem");
        Path publicKey = tmp.getRoot().toPath().resolve("openssl.pub");
        assertEquals(0, run(List.of("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", privateKey.toString())).exitCode);
        assertEquals(0, run(List.of("openssl", "ec", "-in", privateKey.toString(), "-pubout", "-out", publicKey.toString())).exitCode);
        Path payload = tmp.getRoot().toPath().resolve("payload.json");
        Files.write(payload, new SimpleSigningPayload(image.repository().toString(), image.digest(), Map.of()).toJson());
        Path signature = tmp.getRoot().toPath().resolve("payload.sig");
        assertEquals(0, run(List.of("openssl", "dgst", "-sha256", "-sign", privateKey.toString(), "-out",
                signature.toString(), payload.toString())).exitCode);
        CosignAttachments.append(client, image.repository(), image.digest(), CosignAttachments.SIGNATURES,
                Files.readAllBytes(payload), SimpleSigningPayload.MEDIA_TYPE, Map.of(CosignSignature.SIGNATURE_ANNOTATION,
                        Base64.getEncoder().encodeToString(Files.readAllBytes(signature))), d -> false);
        VerificationKey opensslKey = KeyFiles.readPublicKeys(publicKey).get(0);
        SignatureVerification verification = new SignatureVerifier(client).verify(image, TrustPolicy.of(List.of(opensslKey)));
        verification.requireVerified();
        try (SigningKey fromOpenSsl = SigningKey.fromPem(Files.readString(privateKey), null, "openssl.pem")) {
            assertEquals(opensslKey, fromOpenSsl.publicKey());
        }
    }

    @Test
    public void sigstoreJsVerifiesTheSignatureAndAttestationBundles() throws Exception {
        ImageReference image = pushImage("independent/bundle", 4);
        try (SigningKey key = key()) {
            signer.sign(image, key, Map.of(), Set.of(SignatureFormat.BUNDLE));
            new Attestor(client).attest(image, Statement.about(Subject.of(image.repository().toString(), image.digest()),
                    PredicateTypes.COSIGN_VULN_V1, JSON.readTree("{\"scanner\":{}}")), key,
                    Set.of(SignatureFormat.BUNDLE), false);
        }
        List<SigstoreReferrers.Found> bundles = SigstoreReferrers.find(client, image.repository(), image.digest());
        assertEquals(2, bundles.size());
        for (SigstoreReferrers.Found found : bundles) {
            Path bundle = tmp.getRoot().toPath().resolve(found.manifest().digest().hex() + ".json");
            Files.write(bundle, found.bundle().toJson());
            Result result = run(List.of("node", Stack.sigstoreJs(), bundle.toString(), publicKeyFile().toString()));
            assertEquals(result.output, 0, result.exitCode);
            JsonNode verified = JSON.readTree(result.output);
            assertEquals(image.digest().hex(), verified.path("subjects").get(0).path("sha256").asText());
            assertEquals(found.annotations().get(SigstoreBundle.PREDICATE_TYPE_ANNOTATION),
                    verified.path("predicateType").asText());
        }
    }

    @Test
    public void sigstoreJsRejectsAForeignKeyAndATamperedBundle() throws Exception {
        ImageReference image = pushImage("independent/bundle-reject", 5);
        try (SigningKey key = key()) {
            signer.sign(image, key, Map.of(), Set.of(SignatureFormat.BUNDLE));
        }
        SigstoreBundle bundle = SigstoreReferrers.find(client, image.repository(), image.digest()).get(0).bundle();
        Path foreignKey = tmp.getRoot().toPath().resolve("foreign.pub");
        try (SigningKey foreign = SigningKey.generate()) {
            Files.writeString(foreignKey, foreign.publicKey().toPem());
        }
        Path original = tmp.getRoot().toPath().resolve("bundle.json");
        Files.write(original, bundle.toJson());
        Result foreign = run(List.of("node", Stack.sigstoreJs(), original.toString(), foreignKey.toString()));
        assertNotEquals(foreign.output, 0, foreign.exitCode);
        assertTrue(foreign.output, foreign.output.startsWith("REJECTED"));
        DsseEnvelope envelope = bundle.dsseEnvelope();
        byte[] forged = new String(envelope.payload(), StandardCharsets.UTF_8).replace(image.digest().hex(),
                "0".repeat(64)).getBytes(StandardCharsets.UTF_8);
        Path tampered = tmp.getRoot().toPath().resolve("tampered.json");
        Files.write(tampered, new SigstoreBundle(bundle.publicKeyHint(),
                new DsseEnvelope(envelope.payloadType(), forged, envelope.signatures()), null).toJson());
        Result result = run(List.of("node", Stack.sigstoreJs(), tampered.toString(), publicKeyFile().toString()));
        assertNotEquals(result.output, 0, result.exitCode);
        assertTrue(result.output, result.output.startsWith("REJECTED"));
    }

    private record FetchedSignature(JsonNode manifest, JsonNode layer, Path payload, Path signature) {
    }

    /** skopeo copies the {@code sha256-<hex>.sig} manifest with its blobs into a directory (verifying their digests). */
    private FetchedSignature fetchWithSkopeo(ImageReference image) throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("sig-" + image.digest().hex().substring(0, 8));
        ImageReference sigTag = CosignAttachments.tag(image.repository(), image.digest(), CosignAttachments.SIGNATURES);
        Result copy = run(List.of("skopeo", "--insecure-policy", "copy", "--src-tls-verify=false",
                "docker://" + sigTag.repository() + ":" + sigTag.tag(), "dir:" + dir));
        assertEquals(copy.output, 0, copy.exitCode);
        JsonNode manifest = JSON.readTree(Files.readAllBytes(dir.resolve("manifest.json")));
        JsonNode layer = manifest.path("layers").get(0);
        Path payload = dir.resolve(layer.path("digest").asText().substring("sha256:".length()));
        Path signature = dir.resolve("signature.der");
        Files.write(signature, Base64.getDecoder().decode(
                layer.path("annotations").path(CosignSignature.SIGNATURE_ANNOTATION).asText()));
        return new FetchedSignature(manifest, layer, payload, signature);
    }

    /** The image's manifest digest as skopeo computes it from the manifest it fetches. */
    private String skopeoDigest(ImageReference image) throws Exception {
        Result raw = run(List.of("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + image));
        assertEquals(raw.output, 0, raw.exitCode);
        Path manifest = tmp.getRoot().toPath().resolve("image-manifest.json");
        Files.writeString(manifest, raw.output);
        Result digest = run(List.of("skopeo", "manifest-digest", manifest.toString()));
        assertEquals(digest.output, 0, digest.exitCode);
        return digest.output.strip();
    }

    private static Result openSslVerify(Path publicKey, Path signature, Path data) throws Exception {
        return run(List.of("openssl", "dgst", "-sha256", "-verify", publicKey.toString(), "-signature",
                signature.toString(), data.toString()));
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(command.get(0) + " is not installed: run `scripts/stack up`, which"
                    + " installs it", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish in 120 s: " + output);
        }
        return new Result(process.exitValue(), output);
    }
}
