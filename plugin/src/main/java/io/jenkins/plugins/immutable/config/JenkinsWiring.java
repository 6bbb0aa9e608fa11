package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.ledger.FileLedgerAnchors;
import io.jenkins.plugins.immutable.ledger.LedgerAnchors;
import java.nio.file.Path;
import jenkins.model.Jenkins;

/**
 * The engine as the controller runs it: Jenkins' proxy for outbound HTTP, and the last verified head of every ledger
 * kept in Jenkins' home between runs and restarts, so a ledger tag moved back, a deleted ledger or a consistently
 * forged history is seen by the next step or page that reads it (docs/ledger.md). Agents get neither: they read no
 * ledger.
 */
public final class JenkinsWiring {

    private JenkinsWiring() {
    }

    /** A builder for the engine on the controller, reading secrets through {@code credentials}. */
    public static Wiring.Builder builder(DeliveryConfig config, CredentialResolver credentials) {
        Wiring.Builder b = Wiring.builder(config, credentials).ledgerAnchors(ledgerAnchors());
        JenkinsProxy.current().ifPresent(b::proxy);
        return b;
    }

    /** {@code $JENKINS_HOME/immutable-delivery/ledger-anchors}: one small JSON file per ledger. */
    public static LedgerAnchors ledgerAnchors() {
        return new FileLedgerAnchors(anchorDirectory());
    }

    static Path anchorDirectory() {
        return Jenkins.get().getRootDir().toPath().resolve("immutable-delivery").resolve("ledger-anchors");
    }
}
