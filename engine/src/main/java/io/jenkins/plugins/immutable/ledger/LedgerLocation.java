package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where an environment's ledger lives: the environment's repository, whose tag {@link #environmentTag()} points at
 * the live digest and whose tag {@link #ledgerTag()} holds the ledger artifact. Several environments may share one
 * repository; their tags differ.
 *
 * @param repository  the environment's repository
 * @param environment the environment's name (1 to 40 lower-case letters, digits and '-')
 */
public record LedgerLocation(Repository repository, String environment) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?");

    /** Prefix of the ledger artifact's tag: {@code ledger-prod}. */
    public static final String LEDGER_TAG_PREFIX = "ledger-";

    public LedgerLocation {
        Objects.requireNonNull(repository, "repository");
        if (environment == null || !NAME.matcher(environment).matches()) {
            throw EngineException.badInput("environment name '" + environment + "' is not usable: use 1 to 40"
                    + " lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. prod,"
                    + " staging-eu); it names the environment's tags and its containers and services");
        }
    }

    /** The tag that points at the environment's live digest: the environment's name. */
    public String environmentTag() {
        return environment;
    }

    /** The tag of the ledger artifact: {@code ledger-<environment>}. */
    public String ledgerTag() {
        return LEDGER_TAG_PREFIX + environment;
    }

    /** The ledger artifact's reference, {@code registry/repository:ledger-prod}. */
    public ImageReference ledgerReference() {
        return ImageReference.of(repository, ledgerTag(), null);
    }

    /** The environment tag's reference, {@code registry/repository:prod}. */
    public ImageReference environmentReference() {
        return ImageReference.of(repository, environmentTag(), null);
    }

    @Override
    public String toString() {
        return ledgerReference().toString();
    }
}
