package io.jenkins.plugins.immutable.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.sign.DsseEnvelope;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.io.IOException;
import java.util.Base64;

/**
 * Signatures over ledger versions. A signed version's layer has, beside its entries, a top-level member
 * {@code "signature": {"keyId": "<hex sha256 of the signer's PKIX public key>", "sig": "<base64 DER ECDSA P-256>"}}.
 * What is signed is the DSSE pre-authentication encoding of the payload type {@link #STATEMENT_TYPE} and the statement
 * {@code {"content":"sha256:...","repository":"team/app"}} in canonical JSON: {@code content} is the sha256 of the
 * layer's canonical JSON without the signature, {@code repository} the path of the repository the version belongs
 * in.
 *
 * <p>One signature per version covers everything a reader acts on: the entries and the deployment record are in the
 * content, and so is {@code previousVersion}, the digest of the version before, whose bytes name the one before
 * them: signing the head vouches for the whole chain of versions under it, as the signer verified it before writing.
 * The repository is in the statement so that a version signed for one application's ledger cannot be copied into
 * another's signed with the same key; its registry host is not, so that a ledger mirrored or moved to another
 * registry stays verifiable.
 */
final class LedgerSignature {

    /** The DSSE payload type of what a ledger version's signature covers. */
    static final String STATEMENT_TYPE = "application/vnd.jenkins.immutable-delivery.ledger-version.v1+json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LedgerSignature() {
    }

    /** The layer {@code unsigned} (as {@link LedgerFormat#write} made it) signed for {@code where} with {@code key}. */
    static byte[] sign(byte[] unsigned, LedgerLocation where, SigningKey key) {
        ObjectNode root = parse(unsigned);
        root.remove("signature");
        root.put("schemaVersion", Math.max(root.path("schemaVersion").asInt(), LedgerFormat.SCHEMA_VERSION_SIGNED));
        byte[] sig = key.sign(signedBytes(root, where));
        ObjectNode signature = root.putObject("signature");
        signature.put("keyId", key.publicKey().keyId());
        signature.put("sig", Base64.getEncoder().encodeToString(sig));
        try {
            return PRETTY.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain JSON nodes always serialises", e);
        }
    }

    /** True when the layer carries a signature (valid or not). */
    static boolean signed(byte[] layer) {
        try {
            return JSON.readTree(layer).has("signature");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * What is wrong with the signature of the ledger layer {@code layer} of {@code version}, read from {@code where},
     * which must be signed with {@code key}; null when a trusted key's signature over it verifies.
     */
    static String problem(byte[] layer, Digest version, LedgerLocation where, LedgerKey key) {
        ObjectNode root;
        try {
            root = parse(layer);
        } catch (IllegalArgumentException e) {
            return "version " + version + " cannot be read to check its signature: " + e.getMessage();
        }
        JsonNode signature = root.remove("signature");
        String expected = "the ledger of " + where.environment() + " is signed with the key '" + key.id() + "'"
                + " (environments[].ledgerKey)";
        if (signature == null || signature.isNull()) {
            return "version " + version + " is not signed, but " + expected + ": it was written by someone without"
                    + " the key (anyone with push rights to the registry can), or by a tool not configured to sign"
                    + " it. If this ledger was written before signing was turned on, check its history and sign its"
                    + " head once (`immutable sign-ledger " + where.environment() + "`)";
        }
        String keyId = signature.path("keyId").asText("");
        VerificationKey trusted = key.trusted(keyId);
        if (trusted == null) {
            return "version " + version + " is signed by the key " + shortened(keyId) + ", which is not a trusted"
                    + " public key of '" + key.id() + "' (signing.trustedKeys), but " + expected + ": it was signed"
                    + " by someone else, or the key was rotated without adding the new public key";
        }
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(signature.path("sig").asText(""));
        } catch (IllegalArgumentException e) {
            sig = new byte[0];
        }
        if (sig.length == 0 || !trusted.verify(signedBytes(root, where), sig)) {
            return "the signature of version " + version + " by the key " + trusted.shortId() + " does not verify"
                    + " over its content in " + where.repository().path() + ": the version was changed after it was"
                    + " signed, or copied from another repository's ledger";
        }
        return null;
    }

    /** The bytes a signature covers: the statement binding the layer's content (without its signature) to its place. */
    private static byte[] signedBytes(ObjectNode rootWithoutSignature, LedgerLocation where) {
        ObjectNode statement = JSON.createObjectNode();
        statement.put("content", LedgerFormat.contentHash(rootWithoutSignature).toString());
        statement.put("repository", where.repository().path());
        return DsseEnvelope.pae(STATEMENT_TYPE, LedgerFormat.canonicalBytes(statement));
    }

    private static String shortened(String keyId) {
        return keyId.isEmpty() ? "(none named)" : keyId.length() > 12 ? keyId.substring(0, 12) : keyId;
    }

    private static ObjectNode parse(byte[] layer) {
        try {
            JsonNode root = JSON.readTree(layer);
            if (root instanceof ObjectNode o) {
                return o;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("it is not JSON (" + e.getMessage() + ")", e);
        }
        throw new IllegalArgumentException("it is not a JSON object");
    }
}
