package io.jenkins.plugins.immutable.promote;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.github.dockerjava.api.model.Container;
import io.jenkins.plugins.immutable.deploy.DriftReport;
import io.jenkins.plugins.immutable.deploy.docker.DockerHostTarget;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.DriftRecord;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.Observed;
import io.jenkins.plugins.immutable.metrics.DeliveryMeter;
import io.jenkins.plugins.immutable.metrics.Figures;
import io.jenkins.plugins.immutable.metrics.Granularity;
import io.jenkins.plugins.immutable.metrics.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/**
 * Drift checks on the stack's Docker host behind HAProxy, recorded in the environment's ledger in the registry: an
 * instance stopped by hand is an incident until it runs again, what M4 then counts.
 */
public class DriftChecksTest {

    private static PromotionImages images;

    @Rule
    public final Site site = new Site("prod");

    @BeforeClass
    public static void buildImages() throws Exception {
        images = new PromotionImages();
    }

    @Test
    public void aStoppedInstanceIsRecordedOnceAsDriftedAndAgainWhenCleanAndCountsAsOneIncident() {
        Environment prod = site.environment("prod", Duration.ZERO, GatePolicy.ORDER_ONLY);
        Ledger ledger = new Ledger(images.client);
        Promoter.builder(images.client, ledger, prod).listener(site.listener).build()
                .promote(PromotionRequest.of(images.ci(images.v1), prod.name(), "alice", "run-1"));
        DriftChecks checks = new DriftChecks(ledger, site.listener).recordingAs("carol", "run-drift");
        Instant start = Instant.now();

        DriftCheck clean = check(checks, prod);
        assertTrue(clean.summary(), clean.clean());
        assertEquals(Observed.Result.RECORDED, clean.recorded().result());
        assertEquals(Observed.Result.UNCHANGED, check(checks, prod).recorded().result());
        DriftCheck unrecorded = check(new DriftChecks(ledger, site.listener), prod);
        assertNull("a check not told who runs it records nothing", unrecorded.recorded());

        Container instance = images.docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(DockerHostTarget.ENVIRONMENT, prod.name())).exec().get(0);
        images.docker.stopContainerCmd(instance.getId()).withTimeout(1).exec();
        DriftCheck stopped = check(checks, prod);
        assertFalse(stopped.summary(), stopped.clean());
        assertTrue(stopped.summary(), stopped.report().differences().stream()
                .anyMatch(d -> d.kind() == DriftReport.Kind.NOT_RUNNING));
        assertEquals(Observed.Result.RECORDED, stopped.recorded().result());
        assertEquals("the same differences again", Observed.Result.UNCHANGED, check(checks, prod).recorded()
                .result());

        images.docker.startContainerCmd(instance.getId()).exec();
        DriftCheck again = check(checks, prod);
        assertTrue(again.summary(), again.clean());
        assertEquals(Observed.Result.RECORDED, again.recorded().result());

        LedgerHistory h = ledger.read(prod.location());
        List<String> drift = h.entries().stream().filter(e -> e.action() == Action.DRIFT)
                .map(e -> e.actor() + " " + e.observation().finding()).toList();
        assertEquals(List.of("carol clean", "carol drifted", "carol clean"), drift);
        DriftRecord recorded = (DriftRecord) h.entries().get(2).observation();
        assertEquals(images.v1, recorded.expected());
        assertEquals(stopped.report().differences().size(), recorded.differences().size());
        assertEquals("run-drift", h.entries().get(2).run());
        assertEquals("nothing live changed", images.v1, h.live().orElseThrow());

        Figures f = new DeliveryMeter(ledger, images.client, List.of(), Clock.systemUTC())
                .measure(List.of(prod.location()), new Window(start.minus(Duration.ofMinutes(1)),
                        Instant.now().plusSeconds(1)), Granularity.DAY).overall();
        assertEquals(Integer.valueOf(1), f.driftIncidents());
        assertEquals(1, f.timeToClean().count());
        assertEquals(1, f.promotions());
    }

    private static DriftCheck check(DriftChecks checks, Environment env) {
        return checks.check(env.location(), env.target(), env.router(), env.replicas());
    }
}
