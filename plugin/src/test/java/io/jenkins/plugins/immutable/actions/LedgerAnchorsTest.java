package io.jenkins.plugins.immutable.actions;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.config.DockerTarget;
import io.jenkins.plugins.immutable.config.EnvironmentEntry;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.config.JenkinsWiring;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.FileLedgerAnchors;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.testing.Fixtures;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * Jenkins keeps the last verified head of every ledger in its home: a ledger tag moved back to an older genuine
 * version, whose own chain is intact, is seen by the next read of a new engine (each page read and step builds one),
 * and the message names the anchor's file for the administrator who restored a ledger on purpose.
 */
public class LedgerAnchorsTest {

    @Rule
    public JenkinsRule r = new JenkinsRule();

    private final RegistryClient client = RegistryClient.builder().build();
    private final Repository repo = new Repository(Stack.registry(), "plugin-anchors/app-" + System.nanoTime());

    private Digest image(int n) {
        return Fixtures.image(client, repo, n);
    }

    @Test
    public void aLedgerTagMovedBackIsSeenByTheNextReadThroughTheAnchorKeptInJenkinsHome() throws Exception {
        LedgerLocation prod = new LedgerLocation(repo, "prod");
        Ledger writer = new Ledger(client);
        Digest v1 = image(1);
        writer.record(prod, Event.promotion(v1, Outcome.DEPLOYED, "ci"), ProgressListener.NONE);
        writer.moveTag(prod, v1);
        Digest older = client.getManifest(repo.tag(prod.ledgerTag())).digest();
        writer.record(prod, Event.promotion(image(2), Outcome.FAILED, "ci").withReason("health check failed"),
                ProgressListener.NONE);

        EnvironmentEntry e = new EnvironmentEntry("prod", repo.toString());
        DockerTarget target = new DockerTarget("28240-28259");
        target.setHost(Stack.dockerHost());
        e.setTarget(target);
        ImmutableDeliveryConfiguration.get().setEnvironments(List.of(e));
        WorkflowJob job = r.createProject(WorkflowJob.class, "app");
        EnvironmentsAction action = new EnvironmentsAction(job);

        EnvironmentsAction.EnvironmentRow first = action.read().get(0);
        assertNull(first.getProblem(), first.getProblem());
        assertEquals(2, first.getEntries());
        Path anchor = new FileLedgerAnchors(r.jenkins.getRootDir().toPath().resolve("immutable-delivery")
                .resolve("ledger-anchors")).file(prod);
        assertTrue("the anchor is kept in Jenkins' home: " + anchor, Files.isRegularFile(anchor));
        assertEquals(JenkinsWiring.ledgerAnchors().describe(prod), anchor.toString());

        // the older version's own chain is intact and the environment tag agrees with it: only the anchor tells
        client.putManifest(repo.tag(prod.ledgerTag()), client.getManifest(repo.digest(older)));
        EnvironmentsAction.EnvironmentRow second = action.read().get(0);
        assertThat(second.getProblem(), containsString("is not among the versions the ledger's head was built on"));
        assertThat(second.getProblem(), containsString(anchor.toString()));
    }
}
