package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.attest.AttestResult;
import io.jenkins.plugins.immutable.attest.Attestor;
import io.jenkins.plugins.immutable.attest.Statement;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.sign.ImageSigner;
import io.jenkins.plugins.immutable.sign.SignResult;
import io.jenkins.plugins.immutable.sign.SignatureFormat;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable sign}: sign an image's digest and attach attestations, in cosign's formats. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Sign an image's digest (a tag is resolved once; the digest is signed) in cosign's formats:"
            + " the sha256-<hex>.sig tag and a Sigstore bundle referrer.",
            "With --attest, also attach signed in-toto statements (the provenance `immutable bake --provenance`"
                + " wrote, or any statement about this digest)."})
final class SignCommand extends EngineCommand {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image: registry/repository@sha256:... or :tag.")
    String image;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY",
            description = "A signing key id of the configuration (signing.keys), or a cosign key file; default: the"
                    + " only configured key.")
    String key;

    @Option(names = {"-a", "--annotation"}, paramLabel = "KEY=VALUE",
            description = "A signed annotation (cosign's -a); repeatable.")
    Map<String, String> annotations = new LinkedHashMap<>();

    @Option(names = "--attest", paramLabel = "FILE",
            description = "An in-toto statement (JSON) about this digest to sign and attach; repeatable.")
    List<Path> statements = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", split = ",",
            description = "Where signatures go: legacy (.sig tag), bundle (referrer), or both (default).")
    Set<SignatureFormat> formats = EnumSet.allOf(SignatureFormat.class);

    @Override
    int run(Session session) {
        ImageReference ref = ImageReference.parse(image);
        List<Statement> toAttest = new ArrayList<>();
        for (Path file : statements) {
            toAttest.add(readStatement(session.path(file)));
        }
        RegistryClient client = session.wiring().registry();
        SignResult signed;
        List<AttestResult> attested = new ArrayList<>();
        try (SigningKey signingKey = session.signingKey(key)) {
            signed = new ImageSigner(client).withListener(session.output()).sign(ref, signingKey, annotations,
                    formats);
            Attestor attestor = new Attestor(client).withListener(session.output());
            for (Statement s : toAttest) {
                attested.add(attestor.attest(signed.image(), s, signingKey, formats, false));
            }
        }
        ObjectNode json = Output.object();
        json.put("image", signed.image().toString());
        json.put("digest", signed.image().digest().toString());
        json.put("keyId", signed.key().keyId());
        json.put("signatureTag", signed.signatureTag() == null ? null : signed.signatureTag().toString());
        json.put("bundle", signed.bundle() == null ? null : signed.bundle().toString());
        ArrayNode atts = json.putArray("attestations");
        StringBuilder human = new StringBuilder("Signed " + signed.image() + "\n  key " + signed.key().shortId()
                + (signed.signatureTag() != null ? "\n  signature " + signed.signatureTag() : "")
                + (signed.bundle() != null ? "\n  bundle    " + signed.bundle() : ""));
        for (AttestResult a : attested) {
            ObjectNode n = atts.addObject();
            n.put("predicateType", a.predicateType());
            n.put("attestationTag", a.attestationTag() == null ? null : a.attestationTag().toString());
            n.put("bundle", a.bundle() == null ? null : a.bundle().toString());
            human.append("\n  attested ").append(a.predicateType());
        }
        session.output().result(json, human.toString());
        return 0;
    }

    static Statement readStatement(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw EngineException.badInput("--attest " + file + " does not exist; give the statement file (for example"
                    + " the provenance `immutable bake --provenance FILE` wrote)");
        } catch (IOException e) {
            throw EngineException.badInput("cannot read " + file + ": " + e.getMessage());
        }
        try {
            return Statement.parse(bytes);
        } catch (EngineException e) {
            throw EngineException.badInput(file + " is not an in-toto statement: " + e.getMessage());
        }
    }
}
