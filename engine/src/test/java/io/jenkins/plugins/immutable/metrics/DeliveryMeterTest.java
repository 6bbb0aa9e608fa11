package io.jenkins.plugins.immutable.metrics;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.deploy.Phase;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.scan.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Metrics of ledgers written to the stack's registry with known answers: two environments (dev, prod) over one day
 * with a failed canary, a rollback asked for, a deployment resumed after its process died, a digest without
 * provenance, and an empty window.
 */
public class DeliveryMeterTest {

    static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");
    static final Window DAY = new Window(T0, T0.plus(Duration.ofDays(1)));

    static MeteredLedgers site;
    static LedgerLocation dev;
    static LedgerLocation prod;
    static Digest a;
    static Digest b;
    static Digest c;
    static Digest d;
    static ScanReport scanOfA;

    /** {@code 4:30}: that time of {@link #T0}'s day. */
    static Instant at(String hoursMinutes) {
        String[] hm = hoursMinutes.split(":");
        return T0.plus(Duration.ofHours(Long.parseLong(hm[0]))).plus(Duration.ofMinutes(Long.parseLong(hm[1])));
    }

    @BeforeClass
    public static void writeLedgers() throws Exception {
        site = new MeteredLedgers(T0);
        dev = site.env("dev");
        prod = site.env("prod");
        a = site.image(1);
        b = site.image(2);
        c = site.image(3); // no provenance
        d = site.image(4); // no provenance
        site.provenance(a, T0);
        site.provenance(b, at("0:30"));
        scanOfA = site.scan(a);

        // dev: three rolling deployments, the last one resumed by another process after the first died
        site.record(dev, at("1:00"), Event.promotion(a, Outcome.DEPLOYED, "alice").withStrategy("rolling"));
        site.record(dev, at("2:00"), Event.promotion(b, Outcome.DEPLOYED, "alice").withStrategy("rolling"));
        site.journal(dev, "dep-d", "rolling", b, d, Phase.RUNNING, "pid 1 on ci", at("9:00"), at("9:00"), at("9:00"),
                "stage 1/1");
        site.journal(dev, "dep-d", "rolling", b, d, Phase.RUNNING, "pid 2 on ci", at("9:00"), at("9:30"), at("9:00"),
                "resumed by pid 2 on ci");
        site.journal(dev, "dep-d", "rolling", b, d, Phase.SUCCEEDED, "pid 2 on ci", at("9:00"), at("9:31"),
                at("9:31"), d.shortForm() + " runs alone in dev");
        site.record(dev, at("9:40"), Event.promotion(d, Outcome.DEPLOYED, "bob").withStrategy("rolling")
                .withDeployment("dep-d").withReason("recorded on resume by bob: deployment dep-d"));

        // prod: a's canary is prod's first deployment (nothing to judge it against)
        site.record(prod, at("3:00"), Event.promotion(a, Outcome.DEPLOYED, "alice").withStrategy("canary"));
        // a canary of b fails its analysis: decided at 4:30, traffic back on a at 4:32
        site.journal(prod, "dep-b", "canary", a, b, Phase.RUNNING, "pid 3", at("4:00"), at("4:00"), at("4:00"),
                "planned");
        site.journal(prod, "dep-b", "canary", a, b, Phase.ROLLING_BACK, "pid 3", at("4:00"), at("4:30"), at("4:00"),
                "canary analysis at 25%: error rate High");
        site.journal(prod, "dep-b", "canary", a, b, Phase.ROLLED_BACK, "pid 3", at("4:00"), at("4:32"), at("4:32"),
                "rolled back: canary analysis at 25%: error rate High");
        site.record(prod, at("4:32"), Event.promotion(b, Outcome.FAILED, "alice").withStrategy("canary")
                .withDeployment("dep-b").withReason("rolled back: canary analysis at 25%: error rate High"));
        // a canary of c (no provenance) passes at 6:00 ...
        site.record(prod, at("6:00"), Event.promotion(c, Outcome.DEPLOYED, "alice").withStrategy("canary"));
        // ... and is rolled back to a by deploying a again: started 7:50, all traffic on a at 7:55
        site.journal(prod, "dep-r", "blue-green", c, a, Phase.RUNNING, "pid 4", at("7:50"), at("7:50"), at("7:50"),
                "planned");
        site.journal(prod, "dep-r", "blue-green", c, a, Phase.RETAINING, "pid 4", at("7:50"), at("7:56"), at("7:55"),
                "retaining until ...");
        site.record(prod, at("7:56"), Event.rollback(a, Outcome.ROLLED_BACK, "carol").withStrategy("blue-green")
                .withDeployment("dep-r").withSource(c.toString()));
    }

    private static DeliveryMeter meter() {
        return new DeliveryMeter(site.ledger, site.client, List.of(site.key.publicKey()), site.clock);
    }

    @Test
    public void figuresOfADayWithAFailedCanaryARollbackAndAResume() {
        DeliveryMetrics m = meter().measure(List.of(dev, prod), DAY, Granularity.DAY);

        Figures p = m.environment("prod").orElseThrow().figures();
        assertEquals(3, p.promotions());
        assertEquals(2, p.deployed());
        assertEquals(1, p.failed());
        assertEquals(2 / 3.0, p.deploymentSuccessRate(), 1e-12);                      // M1
        assertEquals(2, p.rollbacks());
        assertEquals(0, p.rollbacksUntimed());
        assertEquals(new DurationStats(2, 210.0, 210.0, 300.0), p.timeToRollback()); // M2: 2 min and 5 min
        // a's canary was prod's first deployment, with nothing to compare with: not judged
        assertEquals(2, p.canaries());
        assertEquals(1, p.canariesPassed());
        assertEquals(0.5, p.canaryPassRate(), 1e-12);                                 // M3
        assertNull(p.driftIncidents());                          // M4: no drift check recorded in prod
        // M5: b failed from its start (4:00) to 4:32; c went live at 6:00, traffic was back on a at 7:55
        assertEquals(new DurationStats(2, 4410.0, 4410.0, 6900.0), p.timeToRecovery());
        assertEquals(2.0, p.deploymentsPerDay(), 1e-12);
        assertEquals(new DurationStats(1, 10800.0, 10800.0, 10800.0), p.leadTime());  // a: built at 0:00, live 3:00
        assertEquals(1, p.leadTimeUnmeasured());                                      // c has no provenance
        assertEquals(2, p.changeFailures());                                          // b failed, c rolled back
        assertEquals(2 / 3.0, p.changeFailureRate(), 1e-12);

        Figures dv = m.environment("dev").orElseThrow().figures();
        assertEquals(3, dv.promotions());                                             // the resumed one counts once
        assertEquals(3, dv.deployed());
        assertEquals(1.0, dv.deploymentSuccessRate(), 1e-12);
        assertEquals(0, dv.rollbacks());
        assertEquals(DurationStats.NONE, dv.timeToRollback());
        assertEquals(0, dv.canaries());
        assertNull(dv.canaryPassRate());
        assertEquals(new DurationStats(2, 4500.0, 4500.0, 5400.0), dv.leadTime());    // a 1 h, b 1.5 h
        assertEquals(1, dv.leadTimeUnmeasured());                                     // d has no provenance
        assertEquals(0.0, dv.changeFailureRate(), 1e-12);

        Figures all = m.overall();
        assertEquals(6, all.promotions());
        assertEquals(5 / 6.0, all.deploymentSuccessRate(), 1e-12);
        assertEquals(5.0, all.deploymentsPerDay(), 1e-12);
        assertEquals(2, all.changeFailures());
        assertEquals(3, all.leadTime().count());

        DoraKeys dora = m.dora();
        assertEquals(List.of("prod"), dora.environments());
        assertEquals(2.0, dora.deploymentsPerDay(), 1e-12);
        assertEquals(p.leadTime(), dora.leadTime());
        assertEquals(2 / 3.0, dora.changeFailureRate(), 1e-12);
        assertEquals(p.timeToRecovery(), dora.timeToRestore());
    }

    @Test
    public void theDoraKeysOfSeveralProductionEnvironmentsPoolTheirDeployments() {
        // as for the leaves of a promotion graph: prod and a variant, each deployment one to production
        DeliveryMetrics m = meter().measure(List.of(dev, prod), List.of("dev", "prod"), DAY, Granularity.DAY);
        DoraKeys dora = m.dora();
        assertEquals(List.of("dev", "prod"), dora.environments());
        assertEquals(5.0, dora.deploymentsPerDay(), 1e-12);
        assertEquals(m.overall().leadTime(), dora.leadTime());
        assertEquals(2 / 6.0, dora.changeFailureRate(), 1e-12);
        assertEquals("each row keeps its own figures", 2.0, m.environment("prod").orElseThrow().figures()
                .deploymentsPerDay(), 1e-12);
    }

    @Test
    public void liveImagesProvenanceCoverageAndVulnerabilityDensity() {
        DeliveryMetrics m = meter().measure(List.of(dev, prod), DAY, Granularity.DAY);

        LiveImage liveProd = m.environment("prod").orElseThrow().live();
        assertEquals(a, liveProd.digest());
        assertEquals(at("7:56"), liveProd.since());
        assertEquals(Action.ROLLBACK, liveProd.action());
        assertEquals("carol", liveProd.actor());
        assertNotNull(liveProd.provenance());
        assertEquals(T0, liveProd.provenance().buildStarted());
        LiveImage liveDev = m.environment("dev").orElseThrow().live();
        assertEquals(d, liveDev.digest());
        assertNull(liveDev.provenance());
        assertNull(liveDev.vulnerabilities());

        assertTrue(m.attestationsChecked());
        assertEquals(2, m.liveDigests());
        assertEquals(1, m.liveDigestsWithProvenance());
        assertEquals(0.5, m.provenanceCoverage(), 1e-12);                             // M6
        Map<Severity, Integer> counts = scanOfA.countsBySeverity();
        int weighted = 10 * counts.get(Severity.CRITICAL) + 5 * counts.get(Severity.HIGH)
                + 2 * counts.get(Severity.MEDIUM) + counts.get(Severity.LOW) + counts.get(Severity.UNKNOWN);
        assertTrue("the test layer has known vulnerabilities", weighted > 0);
        assertEquals(weighted, liveProd.vulnerabilities().weighted());
        assertEquals(1, m.liveDigestsScanned());
        assertEquals(weighted, m.vulnerabilityDensity(), 1e-12);                      // M7: one scanned live image

        // newest first
        assertEquals(List.of(new VersionShare(d, List.of(new VersionShare.Placement("dev", at("9:40")))),
                new VersionShare(a, List.of(new VersionShare.Placement("prod", at("7:56"))))), m.versions());
    }

    @Test
    public void anEmptyWindowHasCountsOfZeroAndNoRatios() {
        Window later = new Window(T0.plus(Duration.ofDays(2)), T0.plus(Duration.ofDays(3)));
        DeliveryMetrics m = meter().measure(List.of(dev, prod), later, Granularity.DAY);
        for (Figures f : List.of(m.overall(), m.environment("dev").orElseThrow().figures(),
                m.environment("prod").orElseThrow().figures())) {
            assertEquals(0, f.promotions());
            assertNull(f.deploymentSuccessRate());
            assertNull(f.canaryPassRate());
            assertNull(f.changeFailureRate());
            assertEquals(DurationStats.NONE, f.timeToRollback());
            assertEquals(DurationStats.NONE, f.leadTime());
            assertEquals(0.0, f.deploymentsPerDay(), 0);
        }
        // what is live is as of now, whatever the window
        assertEquals(a, m.environment("prod").orElseThrow().live().digest());
    }

    @Test
    public void theSeriesSplitsTheWindowIntoDaysAndAddsUpToIt() {
        Window twoDays = new Window(T0.minus(Duration.ofDays(1)), T0.plus(Duration.ofDays(1)));
        DeliveryMetrics m = meter().measure(List.of(dev, prod), twoDays, Granularity.DAY);
        assertEquals(2, m.series().size());
        Bucket before = m.series().get(0);
        Bucket day = m.series().get(1);
        assertEquals(new Window(T0.minus(Duration.ofDays(1)), T0), before.window());
        assertEquals(0, before.overall().promotions());
        assertEquals(6, day.overall().promotions());
        assertEquals(2 / 3.0, day.environments().get("prod").deploymentSuccessRate(), 1e-12);
        assertEquals(List.of("dev", "prod"), List.copyOf(day.environments().keySet()));
        assertEquals(2.5, m.overall().deploymentsPerDay(), 1e-12); // 5 deployed over 2 days

        DeliveryMetrics weeks = meter().measure(List.of(dev, prod), twoDays, Granularity.WEEK);
        // 2026-11-02 is a Monday: the window's first day belongs to the week before
        assertEquals(2, weeks.series().size());
        assertEquals(6, weeks.series().get(1).overall().promotions());
    }

    @Test
    public void aSecondMeasureWalksOnlyNewEntriesAndAgreesWithAFreshMeter() {
        DeliveryMeter kept = meter();
        kept.measure(List.of(dev, prod), DAY, Granularity.DAY);
        assertEquals(7, kept.lastReading().entries());
        assertEquals(7, kept.lastReading().entriesWalked());
        assertTrue(kept.lastReading().versionsRead() >= 3);

        DeliveryMetrics again = kept.measure(List.of(dev, prod), DAY, Granularity.DAY);
        assertEquals(0, kept.lastReading().entriesWalked());
        assertEquals(0, kept.lastReading().versionsRead());
        assertEquals(again, meter().measure(List.of(dev, prod), DAY, Granularity.DAY));
    }

    @Test
    public void entriesAddedBetweenTwoMeasuresAreTheOnlyOnesWalked() {
        LedgerLocation qa = site.env("qa");
        site.record(qa, at("1:00"), Event.promotion(a, Outcome.DEPLOYED, "alice").withStrategy("rolling"));
        site.record(qa, at("2:00"), Event.promotion(b, Outcome.DEPLOYED, "alice").withStrategy("rolling"));
        DeliveryMeter kept = meter();
        assertEquals(2, kept.measure(List.of(qa), DAY, Granularity.DAY).overall().deployed());
        assertEquals(2, kept.lastReading().entriesWalked());

        site.record(qa, at("3:00"), Event.promotion(c, Outcome.FAILED, "alice").withStrategy("rolling"));
        DeliveryMetrics after = kept.measure(List.of(qa), DAY, Granularity.DAY);
        assertEquals(3, kept.lastReading().entries());
        assertEquals(1, kept.lastReading().entriesWalked());
        assertEquals(3, after.overall().promotions());
        assertEquals(1, after.overall().rollbacksUntimed()); // no journal for c's deployment
        assertEquals(after, meter().measure(List.of(qa), DAY, Granularity.DAY));
    }

    @Test
    public void asJsonTimesAreInstantsDigestsAreStringsAndUnmeasuredIsNull() {
        DeliveryMetrics m = meter().measure(List.of(dev, prod), DAY, Granularity.DAY);
        JsonNode json = MetricsJson.tree(m);
        assertEquals("2026-11-02T00:00:00Z", json.path("window").path("from").asText());
        assertEquals("day", json.path("granularity").asText());
        JsonNode prodJson = json.path("environments").get(1);
        assertEquals("prod", prodJson.path("environment").asText());
        assertEquals(a.toString(), prodJson.path("live").path("digest").asText());
        assertEquals("rollback", prodJson.path("live").path("action").asText());
        assertEquals(210.0, prodJson.path("figures").path("timeToRollback").path("meanSeconds").asDouble(), 0);
        assertTrue(prodJson.path("figures").path("driftIncidents").isNull());
        assertTrue(json.path("environments").get(0).path("figures").path("canaryPassRate").isNull());
        assertEquals(1, json.path("series").size());
    }

    @Test
    public void openMetricsExpositionCarriesTheSameNumbers() {
        DeliveryMetrics m = meter().measure(List.of(dev, prod), DAY, Granularity.DAY);
        String text = OpenMetrics.write(m);
        assertTrue(text, text.endsWith("# EOF\n"));
        assertTrue(text, text.contains("# TYPE immutable_delivery_deployment_success_ratio gauge\n"));
        assertTrue(text, text.contains("immutable_delivery_deployment_success_ratio{environment=\"prod\"} "
                + (2 / 3.0) + "\n"));
        assertTrue(text, text.contains("immutable_delivery_deployment_success_ratio " + (5 / 6.0) + "\n"));
        assertTrue(text, text.contains("immutable_delivery_promotions{environment=\"prod\",outcome=\"failed\"} 1\n"));
        assertTrue(text, text.contains("immutable_delivery_time_to_rollback_seconds{environment=\"prod\",stat=\"mean\"}"
                + " 210\n"));
        assertTrue(text, text.contains("immutable_delivery_provenance_coverage_ratio 0.5\n"));
        assertTrue(text, text.contains("immutable_delivery_live_since_timestamp_seconds{digest=\"" + a
                + "\",environment=\"prod\"} " + at("7:56").getEpochSecond() + "\n"));
        // dev had no canary: no canary_pass_ratio sample for it rather than NaN
        assertTrue(text, !text.contains("immutable_delivery_canary_pass_ratio{environment=\"dev\"}"));
        assertTrue(text, !text.contains("NaN"));
    }
}
