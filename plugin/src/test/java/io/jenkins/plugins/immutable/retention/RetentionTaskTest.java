package io.jenkins.plugins.immutable.retention;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import hudson.ExtensionList;
import hudson.util.StreamTaskListener;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.config.DockerTarget;
import io.jenkins.plugins.immutable.config.EnvironmentEntry;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.config.RetentionSettings;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryCredentials;
import io.jenkins.plugins.immutable.testing.Fixtures;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * Jenkins' periodic prune on the stack's password-protected registry, with the login from Jenkins' global credentials:
 * it deletes what the retention of the global configuration does not keep, and does nothing without an interval.
 */
public class RetentionTaskTest {

    @Rule
    public JenkinsRule r = new JenkinsRule();

    private final Repository repo = new Repository(Stack.authRegistry(), "plugin-retention/app-" + System.nanoTime());
    private RegistryClient client;
    private final Digest[] v = new Digest[4];

    @Before
    public void threeOldReleases() throws Exception {
        ImmutableDeliveryConfiguration.get().setRegistries(List.of(Fixtures.authRegistry("retention-login")));
        client = RegistryClient.builder().credentials(Stack.authRegistry(),
                RegistryCredentials.basic(Stack.authRegistryUser(), Stack.authRegistryPassword())).build();
        LedgerLocation prod = new LedgerLocation(repo, "prod");
        Ledger old = new Ledger(client, Clock.offset(Clock.systemUTC(), Duration.ofDays(-60)), Duration.ofMillis(50),
                5);
        for (int i = 1; i <= 3; i++) {
            String config = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"created\":\""
                    + Instant.now().minus(Duration.ofDays(60)) + "\",\"v\":" + i + "}";
            ImageManifest m = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                    .config(client.pushBlob(repo, config.getBytes(StandardCharsets.UTF_8))
                            .withMediaType(MediaTypes.OCI_CONFIG))
                    .layer(client.pushBlob(repo, ("layer " + i + repo).getBytes(StandardCharsets.UTF_8))
                            .withMediaType(MediaTypes.OCI_LAYER_GZIP))
                    .build();
            client.putManifest(repo.tag("build-" + i), m);
            v[i] = m.digest();
            old.record(prod, Event.promotion(v[i], Outcome.DEPLOYED, "ci"), ProgressListener.NONE);
            old.moveTag(prod, v[i]);
        }
        EnvironmentEntry e = new EnvironmentEntry("prod", repo.toString());
        DockerTarget target = new DockerTarget("28160-28179");
        target.setHost(Stack.dockerHost());
        e.setTarget(target);
        ImmutableDeliveryConfiguration.get().setEnvironments(List.of(e));
    }

    private static RetentionSettings retention(String interval) {
        RetentionSettings s = new RetentionSettings();
        s.setKeepLastGood(2);
        s.setKeepWithin("30d");
        s.setInterval(interval);
        return s;
    }

    private String runTask() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExtensionList.lookupSingleton(RetentionTask.class).execute(new StreamTaskListener(log, StandardCharsets.UTF_8));
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void everyIntervalJenkinsDeletesWhatNoRuleKeepsWithItsGlobalCredentials() throws Exception {
        ImmutableDeliveryConfiguration.get().setRetention(retention("1s"));
        Thread.sleep(1100); // one interval since Jenkins started
        String log = runTask();
        assertTrue(log, log.contains("build-1") && log.contains("deleted 1"));
        String outcome = ExtensionList.lookupSingleton(RetentionTask.class).getLastOutcome();
        assertTrue(outcome, outcome.startsWith("deleted 1, "));
        assertFalse(client.headManifest(repo.digest(v[1])).isPresent());
        assertTrue(client.headManifest(repo.digest(v[2])).isPresent());
        assertTrue(client.headManifest(repo.digest(v[3])).isPresent());
        assertFalse("no secret in the task's log", log.contains(Stack.authRegistryPassword()));
    }

    @Test
    public void withoutAnIntervalJenkinsNeverPrunesOnItsOwn() throws Exception {
        ImmutableDeliveryConfiguration.get().setRetention(retention(null));
        Thread.sleep(1100);
        String log = runTask();
        assertEquals("", log);
        assertNull(ExtensionList.lookupSingleton(RetentionTask.class).getLastOutcome());
        assertTrue(client.headManifest(repo.digest(v[1])).isPresent());
    }
}
