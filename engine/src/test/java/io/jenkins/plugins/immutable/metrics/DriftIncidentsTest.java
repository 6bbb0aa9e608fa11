package io.jenkins.plugins.immutable.metrics;

import static io.jenkins.plugins.immutable.metrics.DeliveryMeterTest.DAY;
import static io.jenkins.plugins.immutable.metrics.DeliveryMeterTest.T0;
import static io.jenkins.plugins.immutable.metrics.DeliveryMeterTest.at;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.deploy.Phase;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.DriftRecord;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.ledger.RescanRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * M4 and time to clean, from drift checks recorded in a ledger of the stack's registry with known answers: one
 * incident over three checks that found differences, a second after a clean check, a check during a deployment that
 * neither begins nor ends one, an incident still open at the day's end, and windows that cut incidents.
 */
public class DriftIncidentsTest {

    static MeteredLedgers site;
    static LedgerLocation dev;
    static LedgerLocation edge;
    static Digest a;

    /** A drift check of {@code a} that found a difference of {@code kind} on each subject (none: clean). */
    private static Event check(String kind, String... subjects) {
        return Event.observed(new DriftRecord(a, Arrays.stream(subjects)
                .map(s -> new DriftRecord.Difference(kind, s, s + " differs")).toList()), "carol");
    }

    private static Event clean() {
        return check("WRONG_DIGEST");
    }

    @BeforeClass
    public static void writeLedgers() {
        site = new MeteredLedgers(T0);
        dev = site.env("dev");
        edge = site.env("edge");
        a = site.image(1);
        Digest b = site.image(2);
        site.record(dev, at("0:10"), Event.promotion(a, Outcome.DEPLOYED, "alice").withStrategy("rolling"));

        site.record(edge, at("0:30"), Event.promotion(a, Outcome.DEPLOYED, "alice").withStrategy("rolling"));
        site.record(edge, at("1:00"), clean());
        // incident 1: three checks that found differences (not the same ones), until the clean check at 5:00
        site.record(edge, at("2:00"), check("WRONG_DIGEST", "edge-blue-1"));
        site.record(edge, at("3:00"), check("WRONG_DIGEST", "edge-blue-1", "edge-blue-2"));
        site.record(edge, at("4:00"), check("UNMANAGED", "edge-hand-made"));
        site.record(edge, at("5:00"), clean());
        site.record(edge, at("5:30"), Event.observed(new RescanRecord(RescanRecord.Status.PASSING, a, List.of(),
                null), "rescan-job"));
        // incident 2, after a clean check; a check during a deployment neither ends nor begins one
        site.record(edge, at("6:00"), check("NOT_RUNNING", "edge-blue-1"));
        site.record(edge, at("6:30"), check(DriftRecord.DEPLOYMENT_UNFINISHED, "edge"));
        site.record(edge, at("7:00"), clean());
        // a canary of b rolled back by its strategy: decided at 8:10, traffic back at 8:12; a drift check recorded
        // between the journal's last save and the entry (a version carrying the same journal record)
        site.journal(edge, "dep-b", "canary", a, b, Phase.RUNNING, "pid 3", at("8:00"), at("8:00"), at("8:00"),
                "planned");
        site.journal(edge, "dep-b", "canary", a, b, Phase.ROLLING_BACK, "pid 3", at("8:00"), at("8:10"), at("8:00"),
                "canary analysis at 25%: error rate High");
        site.journal(edge, "dep-b", "canary", a, b, Phase.ROLLED_BACK, "pid 3", at("8:00"), at("8:12"), at("8:12"),
                "rolled back: canary analysis at 25%: error rate High");
        site.record(edge, at("8:13"), clean());
        site.record(edge, at("8:14"), Event.promotion(b, Outcome.FAILED, "alice").withStrategy("canary")
                .withDeployment("dep-b").withReason("rolled back: canary analysis at 25%: error rate High"));
        // incident 3: still open when the day ends
        site.record(edge, at("22:00"), check("WRONG_DIGEST", "edge-blue-1"));
    }

    private static DeliveryMeter meter() {
        return new DeliveryMeter(site.ledger, site.client, List.of(), site.clock);
    }

    private static Figures edgeIn(Window w) {
        return meter().measure(List.of(edge), w, Granularity.DAY).environment("edge").orElseThrow().figures();
    }

    @Test
    public void incidentsGroupConsecutiveChecksThatFoundDifferencesUntilACleanOne() {
        DeliveryMetrics m = meter().measure(List.of(dev, edge), DAY, Granularity.DAY);
        Figures f = m.environment("edge").orElseThrow().figures();
        assertEquals(Integer.valueOf(3), f.driftIncidents());                          // 2:00, 6:00, 22:00
        // cleaned at 5:00 after 3 h, at 7:00 after 1 h; the third is still open
        assertEquals(new DurationStats(2, 7200.0, 7200.0, 10800.0), f.timeToClean());
        // the observations are neither promotions nor anything else the other figures count
        assertEquals(2, f.promotions());
        assertEquals(1, f.failed());
        assertEquals(1, f.rollbacks());
        assertEquals("timed from the journal in spite of the drift check recorded in between", 0,
                f.rollbacksUntimed());
        assertEquals(new DurationStats(1, 120.0, 120.0, 120.0), f.timeToRollback());

        assertNull("dev has no drift check: not measured, rather than 0", m.environment("dev").orElseThrow()
                .figures().driftIncidents());
        assertEquals(Integer.valueOf(3), m.overall().driftIncidents());
        assertTrue(m.notes().toString(), m.notes().contains("M4 (drift incidents) is not measured in dev: no drift"
                + " check is recorded in its ledger before the window's end; `immutable drift` (or the Environments"
                + " page's drift check) records one"));
        assertTrue(m.notes().toString(), m.notes().stream().anyMatch(n -> n.startsWith("edge has drifted since "
                + at("22:00") + " (entry #")));
    }

    @Test
    public void windowsThatCutAnIncidentCountItWhereItBeganAndItsTimeToCleanWhereItEnded() {
        // incident 1 began before and ended after: neither counted nor timed here
        Figures during = edgeIn(new Window(at("2:30"), at("4:30")));
        assertEquals(Integer.valueOf(0), during.driftIncidents());
        assertEquals(DurationStats.NONE, during.timeToClean());
        // incident 1 ends here (timed, 3 h), incident 2 begins here (counted)
        Figures across = edgeIn(new Window(at("4:30"), at("6:45")));
        assertEquals(Integer.valueOf(1), across.driftIncidents());
        assertEquals(new DurationStats(1, 10800.0, 10800.0, 10800.0), across.timeToClean());
    }

    @Test
    public void anEmptyWindowIsZeroOnceACheckWasRecordedAndUnmeasuredBefore() {
        Window nextDay = new Window(T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(2)));
        assertEquals("incident 3 is still open, but it began the day before", Integer.valueOf(0),
                edgeIn(nextDay).driftIncidents());
        assertNull(edgeIn(new Window(T0.minus(Duration.ofDays(1)), T0)).driftIncidents());
        assertNull("the first check at 1:00 is not before the window's end", edgeIn(new Window(T0, at("1:00")))
                .driftIncidents());
        assertEquals(Integer.valueOf(0), edgeIn(new Window(T0, at("1:01"))).driftIncidents());
    }

    @Test
    public void theSeriesJsonAndOpenMetricsCarryTheSameNumbers() {
        DeliveryMetrics m = meter().measure(List.of(dev, edge), new Window(T0.minus(Duration.ofDays(1)),
                DAY.to()), Granularity.DAY);
        assertNull(m.series().get(0).environments().get("edge").driftIncidents());
        assertNull(m.series().get(0).overall().driftIncidents());
        assertEquals(Integer.valueOf(3), m.series().get(1).environments().get("edge").driftIncidents());
        assertEquals(Integer.valueOf(3), m.overall().driftIncidents());

        JsonNode json = MetricsJson.tree(m);
        assertEquals(3, json.path("environments").get(1).path("figures").path("driftIncidents").asInt());
        assertEquals(7200.0, json.path("environments").get(1).path("figures").path("timeToClean")
                .path("meanSeconds").asDouble(), 0);
        assertTrue(json.path("environments").get(0).path("figures").path("driftIncidents").isNull());

        String text = OpenMetrics.write(m);
        assertTrue(text, text.contains("# TYPE immutable_delivery_drift_incidents gauge\n"));
        assertTrue(text, text.contains("immutable_delivery_drift_incidents{environment=\"edge\"} 3\n"));
        assertTrue(text, text.contains("immutable_delivery_drift_incidents 3\n"));
        assertTrue(text, !text.contains("immutable_delivery_drift_incidents{environment=\"dev\"}"));
        assertTrue(text, text.contains("immutable_delivery_time_to_clean_seconds{environment=\"edge\",stat=\"mean\"}"
                + " 7200\n"));
        assertTrue(text, text.contains("immutable_delivery_time_to_clean_measured{environment=\"edge\"} 2\n"));
    }
}
