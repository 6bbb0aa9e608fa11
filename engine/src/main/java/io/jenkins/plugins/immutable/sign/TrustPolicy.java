package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a verifier trusts: public keys, and which repositories a signature may name as the image's identity
 * ({@code critical.identity.docker-reference}). By default a signature must name the repository the image is
 * verified in, as containers/image's {@code matchRepoDigestOrExact} does for digests; an image promoted unchanged into
 * another repository keeps the signatures made for its first one, so promotion gates list that repository in
 * {@link #withIdentities}.
 *
 * <p>Identities are compared as repositories, after Docker's normalisation, never as text: cosign writes a Docker Hub
 * image's identity as {@code index.docker.io/library/alpine}, which names the same repository as {@code alpine} and
 * {@code docker.io/library/alpine}.
 *
 * @param keys the trusted keys; at least one
 * @param identities repositories a signature may claim besides the verified image's own
 * @param anyIdentity accept whatever repository a signature claims (cosign verify's default)
 */
public record TrustPolicy(List<VerificationKey> keys, Set<Repository> identities, boolean anyIdentity) {

    public TrustPolicy {
        keys = List.copyOf(keys);
        identities = Set.copyOf(identities);
        if (keys.isEmpty()) {
            throw EngineException.badInput("no public key to verify with; give the signer's public key"
                    + " (cosign.pub)");
        }
    }

    /** Trust these keys, for signatures naming the verified image's own repository. */
    public static TrustPolicy of(List<VerificationKey> keys) {
        return new TrustPolicy(keys, Set.of(), false);
    }

    /**
     * Also accept signatures naming these repositories ({@code [registry/]path}, as Docker reads them); a name that is
     * not a repository is bad input.
     */
    public TrustPolicy withIdentities(Set<String> repositories) {
        Set<Repository> parsed = new LinkedHashSet<>();
        for (String name : repositories) {
            parsed.add(Repository.parse(name));
        }
        return withRepositories(parsed);
    }

    /** Also accept signatures naming these repositories. */
    public TrustPolicy withRepositories(Set<Repository> repositories) {
        return new TrustPolicy(keys, repositories, anyIdentity);
    }

    /** Accept whatever repository a signature names: the key and the digest alone decide. */
    public TrustPolicy withAnyIdentity() {
        return new TrustPolicy(keys, identities, true);
    }

    /** The ids of the trusted keys, short, for messages. */
    public String keyList() {
        return keys.stream().map(VerificationKey::shortId).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * Finds the trusted key whose signature over the bytes verifies. Returns a verified finding (with a placeholder
     * detail) or a rejection that says, from the unauthenticated key hint, whether the payload was changed after a
     * trusted key signed it or another key signed it.
     */
    SignatureFinding authenticate(String location, byte[] signed, byte[] signature, String claimedKeyId) {
        for (VerificationKey key : keys) {
            if (key.verify(signed, signature)) {
                return SignatureFinding.verified(location, key, "verified");
            }
        }
        return unauthenticated(location, claimedKeyId);
    }

    /**
     * Finds the trusted key that signed a DSSE envelope (any of its signatures), as {@link #authenticate} does for
     * one signature; the envelope's own {@code keyid}s are used as hints when no other is given.
     */
    public SignatureFinding authenticateEnvelope(String location, DsseEnvelope envelope, String claimedKeyId) {
        byte[] pae = DsseEnvelope.pae(envelope.payloadType(), envelope.payload());
        for (VerificationKey key : keys) {
            for (DsseEnvelope.Signature signature : envelope.signatures()) {
                if (key.verify(pae, signature.sig())) {
                    return SignatureFinding.verified(location, key, "verified");
                }
            }
        }
        if (envelope.signatures().isEmpty()) {
            return SignatureFinding.rejected(location, SignatureFinding.Failure.MALFORMED,
                    "is a DSSE envelope without signatures");
        }
        String hint = claimedKeyId;
        if (hint == null) {
            hint = envelope.signatures().stream().map(DsseEnvelope.Signature::keyId)
                    .filter(id -> id.length() == 64).findFirst().orElse(null);
        }
        return unauthenticated(location, hint);
    }

    /** Finds the trusted key whose signature over a message digest verifies (a bundle's message signature). */
    SignatureFinding authenticateDigest(String location, byte[] sha256, byte[] signature, String claimedKeyId) {
        for (VerificationKey key : keys) {
            if (key.verifyDigest(sha256, signature)) {
                return SignatureFinding.verified(location, key, "verified");
            }
        }
        return unauthenticated(location, claimedKeyId);
    }

    private SignatureFinding unauthenticated(String location, String claimedKeyId) {
        if (claimedKeyId != null && !claimedKeyId.isBlank()) {
            for (VerificationKey key : keys) {
                if (key.keyId().equals(claimedKeyId)) {
                    return SignatureFinding.rejected(location, SignatureFinding.Failure.TAMPERED_PAYLOAD,
                            "was made by trusted key " + key.shortId() + " but no longer matches its payload: the"
                                    + " payload was changed after signing. Do not use this image; sign it again from a"
                                    + " trusted build");
                }
            }
            return SignatureFinding.rejected(location, SignatureFinding.Failure.UNTRUSTED_KEY,
                    "was made by key " + abbreviate(claimedKeyId) + ", which is not a trusted key " + keyList()
                            + ". Trust that key's public key if it is yours, or sign with a trusted key");
        }
        return SignatureFinding.rejected(location, SignatureFinding.Failure.NO_TRUSTED_KEY_VERIFIES,
                "does not verify with any trusted key " + keyList() + ": it was made by another key, or its"
                        + " payload was changed after signing");
    }

    /** Checks the claims of a signature that verified: the digest, then the identity (when one is claimed). */
    public SignatureFinding checkClaims(SignatureFinding authenticated, Digest signedDigest, String claimedIdentity,
            Digest expectedDigest, Repository imageRepository) {
        String location = authenticated.location();
        VerificationKey key = authenticated.verifiedBy();
        if (!expectedDigest.equals(signedDigest)) {
            return SignatureFinding.rejected(location, SignatureFinding.Failure.OTHER_DIGEST,
                    "is a valid signature by key " + key.shortId() + ", but for another image, " + signedDigest
                            + ", not " + expectedDigest + ": it was copied or its tag was moved; sign this digest");
        }
        if (claimedIdentity != null && !acceptsIdentity(claimedIdentity, imageRepository)) {
            return SignatureFinding.rejected(location, SignatureFinding.Failure.OTHER_IDENTITY,
                    "is a valid signature by key " + key.shortId() + " for this digest, but names the image "
                            + claimedIdentity + " where " + imageRepository
                            + (identities.isEmpty() ? "" : " or one of " + identities) + " is expected; accept that"
                            + " repository as an identity if the image was promoted from it");
        }
        return SignatureFinding.verified(location, key, "verified by key " + key.shortId() + " for " + expectedDigest
                + (claimedIdentity == null ? "" : " as " + claimedIdentity));
    }

    boolean acceptsIdentity(String dockerReference, Repository imageRepository) {
        if (anyIdentity) {
            return true;
        }
        Repository claimed = repositoryOf(dockerReference);
        return claimed != null && (claimed.equals(imageRepository) || identities.contains(claimed));
    }

    /**
     * The repository a signed identity names (it may carry a tag or a digest, as containers/image writes it), as
     * Docker normalises it; null when it names no repository, which no trusted identity can match.
     */
    static Repository repositoryOf(String reference) {
        try {
            boolean bare = reference.indexOf('@') < 0 && reference.lastIndexOf(':') <= reference.lastIndexOf('/');
            return bare ? Repository.parse(reference) : ImageReference.parse(reference).repository();
        } catch (EngineException e) {
            return null;
        }
    }

    /** A bundle's public key hint (base64 SHA-256 of the PKIX key) as a {@link VerificationKey#keyId()}. */
    static String keyIdFromHint(String hint) {
        if (hint == null || hint.isBlank()) {
            return null;
        }
        try {
            byte[] raw = Base64.getDecoder().decode(hint);
            return raw.length == 32 ? Digest.of(Digest.Algorithm.SHA256, raw).hex() : hint;
        } catch (IllegalArgumentException e) {
            return hint;
        }
    }

    private static String abbreviate(String keyId) {
        return keyId.length() > 12 ? keyId.substring(0, 12) : keyId;
    }
}
