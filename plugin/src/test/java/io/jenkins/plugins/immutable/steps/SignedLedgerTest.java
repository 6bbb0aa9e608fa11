package io.jenkins.plugins.immutable.steps;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.EnvironmentEntry;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.config.SigningSettings;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerAnchors;
import io.jenkins.plugins.immutable.ledger.LedgerKey;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import io.jenkins.plugins.immutable.testing.Fixtures;
import java.util.List;
import java.util.Optional;
import org.htmlunit.html.DomElement;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.jvnet.hudson.test.BuildWatcher;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * An environment whose ledger is signed (ledgerKey on the configuration page): a Pipeline's promotion signs the
 * ledger version it writes with the configured key, which a reader holding only the public key verifies and a reader
 * expecting another key refuses; the Environments page says which key signs it.
 */
public class SignedLedgerTest {

    @ClassRule
    public static BuildWatcher buildWatcher = new BuildWatcher();

    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Promotions test1 = new Promotions("test1", "29600-29649");

    @After
    public void removeInstances() throws Exception {
        test1.removeInstances();
    }

    private static Ledger verifyingWith(VerificationKey key) {
        return new Ledger(RegistryClient.builder().build(), LedgerAnchors.NONE,
                where -> Optional.of(LedgerKey.verifyingWith("release", List.of(key))));
    }

    @Test
    public void aPromotionSignsTheLedgerVersionItWrites() throws Exception {
        ImmutableDeliveryConfiguration c = ImmutableDeliveryConfiguration.get();
        SigningSettings signing = Fixtures.signing("release");
        c.setSigning(signing);
        EnvironmentEntry e = test1.entry(null);
        e.setLedgerKey("release");
        c.setEnvironments(List.of(e));

        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition("def v1\nnode {\n  " + test1.bake(tmp.getRoot().toPath(), "v1", "1")
                + "}\npromoteImage image: v1, to: 'test1'\n", true));
        r.buildAndAssertSuccess(p);

        LedgerLocation where = new LedgerLocation(Repository.parse(test1.repository), "test1");
        VerificationKey release = VerificationKey.fromPem(signing.getTrustedKeys().get(0).getPublicKey(), "release");
        assertEquals(1, verifyingWith(release).read(where).entries().size());
        try (SigningKey other = SigningKey.generate()) {
            EngineException refused = assertThrows(EngineException.class,
                    () -> verifyingWith(other.publicKey()).read(where));
            assertThat(refused.getMessage(), containsString("not a trusted public key of 'release'"));
        }

        DomElement signedWith = Promotions.environmentsPage(r.createWebClient(), p)
                .querySelector("[data-immutable-ledger-key]");
        assertThat(signedWith.getTextContent(), containsString("release"));
    }
}
