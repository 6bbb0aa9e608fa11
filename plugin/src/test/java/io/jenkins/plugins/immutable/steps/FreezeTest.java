package io.jenkins.plugins.immutable.steps;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import hudson.model.Result;
import hudson.model.User;
import io.jenkins.plugins.immutable.config.DeliveryPermissions;
import io.jenkins.plugins.immutable.config.DockerTarget;
import io.jenkins.plugins.immutable.config.EnvironmentEntry;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jenkins.model.Jenkins;
import jenkins.security.QueueItemAuthenticatorConfiguration;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.MockQueueItemAuthenticator;

/**
 * Freezing from a Jenkinsfile and from the Environments page: recorded in the ledger, promotions refused naming the
 * freeze, an override only with its permission.
 */
public class FreezeTest {

    @Rule
    public JenkinsRule r = new JenkinsRule();

    private final Repository repo = new Repository(Stack.registry(), "plugin-freeze/app-" + System.nanoTime());
    private String image;

    @Before
    public void environmentAndImage() {
        RegistryClient client = RegistryClient.builder().build();
        ImageManifest m = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(client.pushBlob(repo, "{\"os\":\"linux\",\"architecture\":\"amd64\"}"
                        .getBytes(StandardCharsets.UTF_8)).withMediaType(MediaTypes.OCI_CONFIG))
                .layer(client.pushBlob(repo, repo.toString().getBytes(StandardCharsets.UTF_8))
                        .withMediaType(MediaTypes.OCI_LAYER_GZIP))
                .build();
        client.putManifest(repo.digest(m.digest()), m);
        image = repo.digest(m.digest()).toString();
        EnvironmentEntry e = new EnvironmentEntry("prod", repo.toString());
        DockerTarget target = new DockerTarget("28200-28219");
        target.setHost(Stack.dockerHost());
        e.setTarget(target);
        ImmutableDeliveryConfiguration.get().setEnvironments(List.of(e));
    }

    private WorkflowRun run(WorkflowJob p, String script, Result expected) throws Exception {
        p.setDefinition(new CpsFlowDefinition(script, true));
        return r.assertBuildStatus(expected, p.scheduleBuild2(0));
    }

    private List<LedgerEntry> ledger() {
        return new Ledger(RegistryClient.builder().build()).read(new LedgerLocation(repo, "prod")).entries();
    }

    @Test
    public void aFrozenEnvironmentRefusesPromotionsUntilUnfrozenAndAnOverrideNeedsItsPermission() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "release");
        WorkflowRun froze = run(p, "def s = freezeEnvironment environment: 'prod', reason: 'incident 4711'\n"
                + "echo \"frozen=${s.frozen} by=${s.by}\"", Result.SUCCESS);
        r.assertLogContains("frozen=true", froze);
        LedgerEntry freeze = ledger().get(ledger().size() - 1);
        assertEquals(Action.FREEZE, freeze.action());
        assertEquals("incident 4711", freeze.reason());

        WorkflowRun refused = run(p, "promoteImage image: '" + image + "', to: 'prod'", Result.FAILURE);
        r.assertLogContains("incident 4711", refused);
        r.assertLogContains("frozen", refused);

        // bob may build but not override: the step says which permission it needs
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, hudson.model.Item.READ, hudson.model.Item.BUILD).everywhere().to("bob")
                .grant(Jenkins.ADMINISTER).everywhere().to("admin"));
        QueueItemAuthenticatorConfiguration.get().getAuthenticators().add(new MockQueueItemAuthenticator()
                .authenticate("release", User.getById("bob", true).impersonate2()));
        WorkflowRun notAllowed = run(p, "promoteImage image: '" + image + "', to: 'prod', overrideFreeze: 'hotfix'",
                Result.FAILURE);
        r.assertLogContains("may not override", notAllowed);
        r.assertLogContains(DeliveryPermissions.OVERRIDE_FREEZE.name, notAllowed);

        // from the Environments page: bob may not unfreeze, an administrator may (crumbs off: this is about who)
        r.jenkins.setCrumbIssuer(null);
        JenkinsRule.WebClient bob = r.createWebClient().login("bob");
        bob.setThrowExceptionOnFailingStatusCode(false);
        java.net.URL unfreeze = new java.net.URL(r.getURL(), p.getUrl()
                + "immutable-environments/freeze?environment=prod&reason=over&unfreeze=true");
        assertEquals(403, bob.getPage(new WebRequest(unfreeze, HttpMethod.POST)).getWebResponse()
                .getStatusCode());
        JenkinsRule.WebClient admin = r.createWebClient().login("admin");
        admin.getPage(new WebRequest(unfreeze, HttpMethod.POST));
        LedgerEntry lifted = ledger().get(ledger().size() - 1);
        assertEquals(Action.UNFREEZE, lifted.action());
        assertEquals("admin", lifted.actor());
        assertTrue(lifted.reason(), lifted.reason().contains("over"));
    }
}
