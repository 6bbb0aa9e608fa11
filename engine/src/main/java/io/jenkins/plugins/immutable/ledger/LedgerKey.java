package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The key an environment's ledger is signed with ({@code environments[].ledgerKey}): every version written is signed
 * with its private half, and the head of every version read must carry a signature that one of its public keys
 * verifies before anything acts on it. The registry holds no secret, so only the holders of the private key can
 * write a version a reader accepts.
 *
 * @param id      the key's id in the configuration, for messages
 * @param trusted the public keys a version's signature may verify with (more than one while a key is rotated)
 * @param signer  opens the private key when a version is to be written (once; the caller closes it), or null for a
 *                process that only reads and verifies
 */
public record LedgerKey(String id, List<VerificationKey> trusted, Supplier<SigningKey> signer) {

    public LedgerKey {
        Objects.requireNonNull(id, "id");
        trusted = List.copyOf(trusted);
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("a ledger key needs at least one trusted public key");
        }
    }

    /** A key that only verifies (a reader that holds no private key). */
    public static LedgerKey verifyingWith(String id, List<VerificationKey> trusted) {
        return new LedgerKey(id, trusted, null);
    }

    /** The private key to sign a version of {@code where} with; BAD_INPUT when this process has none. */
    SigningKey signing(LedgerLocation where) {
        SigningKey key = signer == null ? null : signer.get();
        if (key == null) {
            throw EngineException.badInput("the ledger " + where + " is signed with the key '" + id + "'"
                    + " (environments[].ledgerKey), and this process has no private key for it, so it cannot write"
                    + " there; add the key under signing.keys with the id '" + id + "' (on the command line its"
                    + " secret comes from the environment, see docs/configuration.md). Nothing was written");
        }
        return key;
    }

    /** The trusted key a signature's key id names, or null. */
    VerificationKey trusted(String keyId) {
        return trusted.stream().filter(k -> k.keyId().equals(keyId)).findFirst().orElse(null);
    }
}
