package io.jenkins.plugins.immutable.actions;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.config.DockerTarget;
import io.jenkins.plugins.immutable.config.EnvironmentEntry;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.testing.Fixtures;
import io.jenkins.plugins.immutable.testing.Stack;
import java.util.List;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlPage;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;

/**
 * The Delivery page on ledgers written to the stack's registry: its figures, its JSON and OpenMetrics, and who may
 * see it.
 */
public class DeliveryActionTest {

    @Rule
    public JenkinsRule r = new JenkinsRule();

    private final RegistryClient client = RegistryClient.builder().build();
    private final Repository repo = new Repository(Stack.registry(), "plugin-delivery/app-" + System.nanoTime());

    private Digest image(int n) {
        return Fixtures.image(client, repo, n);
    }

    /** prod: v1 and v2 deployed, v3 failed, then a rollback from v2 to v1. */
    @Before
    public void ledgers() throws Exception {
        Ledger ledger = new Ledger(client);
        LedgerLocation prod = new LedgerLocation(repo, "prod");
        Digest v1 = image(1);
        Digest v2 = image(2);
        Digest v3 = image(3);
        for (Digest d : List.of(v1, v2)) {
            ledger.record(prod, Event.promotion(d, Outcome.DEPLOYED, "ci"), ProgressListener.NONE);
            ledger.moveTag(prod, d);
        }
        ledger.record(prod, Event.promotion(v3, Outcome.FAILED, "ci").withReason("health check failed"),
                ProgressListener.NONE);
        ledger.record(prod, Event.rollback(v1, Outcome.ROLLED_BACK, "oncall"), ProgressListener.NONE);
        ledger.moveTag(prod, v1);
        EnvironmentEntry e = new EnvironmentEntry("prod", repo.toString());
        DockerTarget target = new DockerTarget("28180-28199");
        target.setHost(Stack.dockerHost());
        e.setTarget(target);
        ImmutableDeliveryConfiguration.get().setEnvironments(List.of(e));
    }

    private String waitFor(JenkinsRule.WebClient wc, String path) throws Exception {
        wc.setThrowExceptionOnFailingStatusCode(false);
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            Page p = wc.goTo(path, null);
            if (p.getWebResponse().getStatusCode() == 200) {
                return p.getWebResponse().getContentAsString();
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(path + " answered " + p.getWebResponse().getStatusCode() + ": "
                        + p.getWebResponse().getContentAsString());
            }
            Thread.sleep(250);
        }
    }

    @Test
    public void thePageAndItsDataShowWhatTheLedgersSay() throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient();
        JsonNode json = new ObjectMapper().readTree(waitFor(wc, "delivery/metricsJson"));
        JsonNode prod = json.get("environments").get(0);
        assertEquals("prod", prod.get("environment").asText());
        JsonNode f = prod.get("figures");
        assertEquals(f.toString(), 3, f.get("promotions").asInt());
        assertEquals(f.toString(), 2, f.get("deployed").asInt());
        assertEquals(f.toString(), 1, f.get("failed").asInt());
        // the failed deployment was rolled back by its strategy, then prod was rolled back by hand (docs/metrics.md)
        assertEquals(f.toString(), 2, f.get("rollbacks").asInt());

        String openMetrics = waitFor(wc, "delivery/metrics");
        assertTrue(openMetrics, openMetrics.contains("prod") && openMetrics.trim().endsWith("# EOF"));

        HtmlPage page = wc.goTo("delivery/");
        String text = page.asNormalizedText();
        assertTrue(text, text.contains("prod") && text.contains("All environments"));
        assertTrue(text, text.contains("66.7%")); // 2 of 3 promotions deployed
        assertTrue(text, text.contains("The four keys, in production (prod)"));
        assertTrue(text, text.contains("Deployment frequency") && text.contains("Time to restore service"));
        // no trusted key is configured here, so the attestations of the live images are not read
        assertTrue(text, text.contains("Provenance coverage (M6)\tnot measured: no trusted key"));
        assertEquals("two charts are drawn from the page's data", 2,
                page.querySelectorAll(".immutable-canary-chart").size());
    }

    @Test
    public void onlyUsersWhoMayReadJenkinsSeeIt() throws Exception {
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(jenkins.model.Jenkins.READ).everywhere().to("reader"));
        r.createWebClient().assertFails("delivery/metricsJson", 403);
        JenkinsRule.WebClient reader = r.createWebClient().login("reader");
        waitFor(reader, "delivery/metricsJson");
    }
}
