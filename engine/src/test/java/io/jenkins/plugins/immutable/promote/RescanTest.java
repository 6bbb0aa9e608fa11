package io.jenkins.plugins.immutable.promote;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.attest.AttestationVerifier;
import io.jenkins.plugins.immutable.attest.ScanAttestation;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.rescan.DigestScan;
import io.jenkins.plugins.immutable.rescan.EnvironmentRisk;
import io.jenkins.plugins.immutable.rescan.RescanReport;
import io.jenkins.plugins.immutable.rescan.Rescanner;
import io.jenkins.plugins.immutable.rescan.Role;
import io.jenkins.plugins.immutable.rescan.Use;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.scan.Scanner;
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
 * the rollback then passes over it, saying why.
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
    }
}
