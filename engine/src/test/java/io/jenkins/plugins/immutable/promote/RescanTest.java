package io.jenkins.plugins.immutable.promote;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.attest.AttestationVerifier;
import io.jenkins.plugins.immutable.attest.ScanAttestation;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Observed;
import io.jenkins.plugins.immutable.ledger.RescanRecord;
import io.jenkins.plugins.immutable.rescan.DigestScan;
import io.jenkins.plugins.immutable.rescan.EnvironmentRisk;
import io.jenkins.plugins.immutable.rescan.RescanReport;
import io.jenkins.plugins.immutable.rescan.Rescanner;
import io.jenkins.plugins.immutable.rescan.Role;
import io.jenkins.plugins.immutable.rescan.Use;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.scan.Scanner;
import io.jenkins.plugins.immutable.scan.Severity;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/**
 * The re-scan on the stack's registry and Docker host: a vulnerability published into the database between two runs
 * puts the environment running the digest at risk, withdraws the digest from another environment's rollback, and
 * the rollback then passes over it, saying why. Each environment's result is recorded in its ledger when it changed.
 */
public class RescanTest {

    private static PromotionImages images;

    @Rule
    public final Site site = new Site("dev", "prod");

    @BeforeClass
    public static void buildImages() throws Exception {
        images = new PromotionImages();
    }

    private static GatePolicy gates() {
        return new GatePolicy(List.of(images.key.publicKey()), Duration.ofHours(1), true, false,
                PromotionImages.PROVENANCE, List.of(images.key.publicKey()));
    }

    private Promoter promoter(Environment env) {
        return Promoter.builder(images.client, new Ledger(images.client), env)
                .listener(site.listener).build();
    }

    private RescanReport rescan(Path db, List<LedgerLocation> where) {
        try (OsvDatabase osv = OsvDatabase.open(db, ProgressListener.NONE)) {
            return new Rescanner(images.client, new Ledger(images.client), Clock.systemUTC(), site.listener)
                    .recordingAs("rescan-job", "run-rescan")
                    .rescan(where, new Scanner(osv, site.listener), PromotionImages.POLICY, 3, images.key);
        }
    }

    @Test
    public void aNewAdvisoryPutsTheLiveDigestAtRiskAndWithdrawsItFromRollback() throws Exception {
        Environment dev = site.environment("dev", Duration.ZERO, gates());
        Environment prod = site.environment("prod", Duration.ofMinutes(10), gates());
        promoter(dev).promote(PromotionRequest.of(images.ci(images.v1), dev.name(), "alice", "run-1"));
        Promoter toProd = promoter(prod);
        for (Digest d : List.of(images.v3, images.v1, images.v2)) {
            toProd.promote(PromotionRequest.of(images.ci(d), prod.name(), "alice", "run-" + d.shortForm()));
        }
        List<LedgerLocation> where = List.of(dev.location(), prod.location());

        // The database as it was: lodash 4.17.20 (in v1) has no known vulnerability yet.
        Path db = Files.createTempDirectory("osv-rescan");
        Files.createDirectories(db.resolve("npm"));
        Files.copy(images.oldDb.resolve("npm/GHSA-hrpp-h998-j3pp.json"), db.resolve("npm/GHSA-hrpp-h998-j3pp.json"));
        RescanReport first = rescan(db, where);
        assertFalse(first.summary(), first.atRisk());
        assertEquals("each digest once, live ones first", List.of(images.v1, images.v2, images.v3),
                first.scans().stream().map(DigestScan::digest).toList());
        DigestScan v1 = first.scans().get(0);
        assertEquals(List.of(new Use(dev.name(), dev.repository(), Role.LIVE),
                new Use(prod.name(), prod.repository(), Role.RETAINED),
                new Use(prod.name(), prod.repository(), Role.ROLLBACK_CANDIDATE)), v1.uses());
        assertEquals("attested in both repositories", 2, v1.attestedIn().size());
        // v1, v2 and v3 share their busybox layers: only the first image of the run reads them from the registry
        assertTrue(first.summary(), first.layersReused() > 0);
        assertEquals(first.summary(), first.layersRead() + first.layersReused(), first.scans().stream()
                .mapToLong(s -> s.report().layers().layers()).sum());
        assertEquals(List.of(EnvironmentRisk.Status.PASSING, EnvironmentRisk.Status.PASSING),
                first.environments().stream().map(EnvironmentRisk::status).toList());
        assertTrue(first.environments().get(1).withdrawn().isEmpty());

        // Recorded in each ledger: dev's live v1; prod's live v2, v1 (retained and a candidate), v3 (a candidate).
        Ledger ledger = new Ledger(images.client);
        RescanRecord devFirst = lastRescan(ledger, dev);
        assertEquals(RescanRecord.Status.PASSING, devFirst.status());
        assertEquals(images.v1, devFirst.live());
        assertEquals(List.of(images.v1), devFirst.digests().stream().map(RescanRecord.ScannedDigest::digest).toList());
        RescanRecord prodFirst = lastRescan(ledger, prod);
        assertEquals(List.of(images.v2 + " [live] passed", images.v1 + " [retained, rollback candidate] passed",
                images.v3 + " [rollback candidate] passed"), prodFirst.digests().stream()
                .map(d -> d.digest() + " " + d.roles() + " " + d.verdict()).toList());
        assertEquals(new RescanRecord.Counts(0, 0, 0, 0, 0), prodFirst.digests().get(0).counts());
        assertEquals(first.scans().get(0).report().finishedOn(), devFirst.digests().get(0).scannedOn());
        assertEquals(first.database().newestModified(), prodFirst.database().newestModified());
        assertEquals(first.database().fingerprint(), prodFirst.database().fingerprint());
        LedgerEntry devEntry = ledger.read(dev.location()).last().orElseThrow();
        assertEquals("rescan-job", devEntry.actor());
        assertEquals("run-rescan", devEntry.run());
        assertEquals(Observed.Result.RECORDED, first.environments().get(0).recorded().result());
        assertEquals(devEntry, first.environments().get(0).recorded().entry());

        // The same database again: nothing changed, nothing is written.
        int devEntries = ledger.read(dev.location()).entries().size();
        int prodEntries = ledger.read(prod.location()).entries().size();
        RescanReport again = rescan(db, where);
        assertEquals(List.of(Observed.Result.UNCHANGED, Observed.Result.UNCHANGED), again.environments().stream()
                .map(r -> r.recorded().result()).toList());
        assertEquals(devEntries, ledger.read(dev.location()).entries().size());
        assertEquals(prodEntries, ledger.read(prod.location()).entries().size());

        // A vulnerability of lodash 4.17.20 is published.
        Files.copy(PromotionImages.FULL_DB.resolve("npm/GHSA-35jh-r3h4-6jhm.json"),
                db.resolve("npm/GHSA-35jh-r3h4-6jhm.json"));
        RescanReport second = rescan(db, where);
        assertTrue(second.summary(), second.atRisk());
        Map<String, EnvironmentRisk> risks = second.environments().stream()
                .collect(Collectors.toMap(EnvironmentRisk::environment, r -> r));
        EnvironmentRisk devRisk = risks.get(dev.name());
        assertEquals(EnvironmentRisk.Status.AT_RISK, devRisk.status());
        assertEquals(images.v1, devRisk.live());
        assertTrue(devRisk.message(), devRisk.message().contains(dev.name() + " is AT RISK: its live digest "
                + images.v1.shortForm()) && devRisk.message().contains("GHSA-35jh-r3h4-6jhm"));
        EnvironmentRisk prodRisk = risks.get(prod.name());
        assertEquals(EnvironmentRisk.Status.PASSING, prodRisk.status());
        assertEquals(List.of(images.v1), prodRisk.withdrawn());
        assertTrue(prodRisk.message(), prodRisk.message().contains("rollback candidate " + images.v1.shortForm()
                + " is withdrawn from rollback: the re-scan of "));
        assertEquals(List.of(dev.name()), second.atRiskEnvironments().stream().map(EnvironmentRisk::environment)
                .toList());

        // Recorded as changed in both ledgers: dev is at risk, prod still passes but its candidate v1 fails.
        RescanRecord devAtRisk = lastRescan(ledger, dev);
        assertEquals(RescanRecord.Status.AT_RISK, devAtRisk.status());
        assertEquals("failed", devAtRisk.digests().get(0).verdict());
        Map<Severity, Integer> counts = second.scans().get(0).report().countsBySeverity();
        assertEquals(1, (int) counts.get(Severity.HIGH));
        assertEquals(new RescanRecord.Counts(counts.get(Severity.CRITICAL), 1, counts.get(Severity.MEDIUM),
                counts.get(Severity.LOW), counts.get(Severity.UNKNOWN)), devAtRisk.digests().get(0).counts());
        assertTrue(devAtRisk.digests().get(0).note(), devAtRisk.digests().get(0).note().contains("GHSA-35jh-r3h4-6jhm"));
        RescanRecord prodAfter = lastRescan(ledger, prod);
        assertEquals(RescanRecord.Status.PASSING, prodAfter.status());
        assertEquals("failed", prodAfter.digests().get(1).verdict());
        assertEquals(prodEntries + 1, ledger.read(prod.location()).entries().size());
        assertEquals(devEntries + 1, ledger.read(dev.location()).entries().size());
        String recorded = second.environments().get(0).recorded().message();
        assertTrue(recorded, recorded.startsWith("recorded in the ledger of " + dev.name() + " as entry #"));

        // What status reads: the newest verified scan of the live digest, in the environment's own repository.
        TrustPolicy trust = TrustPolicy.of(List.of(images.key.publicKey())).withAnyIdentity();
        Optional<ScanReport> newest = ScanAttestation.newestVerified(new AttestationVerifier(images.client),
                dev.repository().digest(images.v1), trust);
        assertFalse(newest.orElseThrow().passed());
        assertEquals(second.scans().get(0).report().finishedOn(), newest.get().finishedOn());

        // prod's rollback passes over v1, whose newest scan fails, to v3, and says why.
        PromotionResult back = toProd.rollback(RollbackRequest.toPrevious(prod.name(), "bob", "run-back"));
        assertEquals(PromotionResult.Status.ROLLED_BACK, back.status());
        assertEquals(images.v3, new Ledger(images.client).read(prod.location()).live().orElseThrow());
        String passedOver = site.log.stream().filter(l -> l.startsWith("not rolling back to ")).findFirst()
                .orElse(null);
        assertTrue(String.valueOf(passedOver), passedOver != null && passedOver.contains(images.v1.shortForm())
                && passedOver.contains("fails its policy") && passedOver.contains("1 high"));
        // the rescan entries were no rollback candidate and no previous environment's word: v3 is live, v2 before it
        LedgerHistory prodHistory = new Ledger(images.client).read(prod.location());
        assertEquals(Action.ROLLBACK, prodHistory.last().orElseThrow().action());
        assertEquals(images.v2, prodHistory.last().orElseThrow().previousDigest());
    }

    private static RescanRecord lastRescan(Ledger ledger, Environment env) {
        return (RescanRecord) ledger.read(env.location()).lastObservation(Action.RESCAN).orElseThrow().observation();
    }
}
