package io.jenkins.plugins.immutable.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.attest.Attestor;
import io.jenkins.plugins.immutable.attest.PredicateTypes;
import io.jenkins.plugins.immutable.attest.SlsaProvenance;
import io.jenkins.plugins.immutable.attest.Statement;
import io.jenkins.plugins.immutable.attest.Subject;
import io.jenkins.plugins.immutable.bake.Provenance;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.deploy.Group;
import io.jenkins.plugins.immutable.deploy.Phase;
import io.jenkins.plugins.immutable.deploy.Stage;
import io.jenkins.plugins.immutable.deploy.Track;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerJournal;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryClientTest;
import io.jenkins.plugins.immutable.scan.Policy;
import io.jenkins.plugins.immutable.scan.ScanFixtures;
import io.jenkins.plugins.immutable.scan.ScanOutputs;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.scan.Scanner;
import io.jenkins.plugins.immutable.scan.layer.Layer;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Ledgers written to the stack's registry through the engine's own {@link Ledger} and {@link LedgerJournal}, at times
 * a test sets, so that the metrics computed from them have answers known in advance.
 */
final class MeteredLedgers {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        volatile Instant now;

        TestClock(Instant start) {
            now = start;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final RegistryClient client = RegistryClient.builder().build();
    final Repository repo = new Repository(Stack.registry(), Stack.uniqueRepository("metrics"));
    final TestClock clock;
    final Ledger ledger;
    final SigningKey key = SigningKey.generate();

    MeteredLedgers(Instant start) {
        clock = new TestClock(start);
        ledger = new Ledger(client, clock, Duration.ofMillis(20), 5);
    }

    LedgerLocation env(String name) {
        return new LedgerLocation(repo, name);
    }

    Digest image(long seed) {
        ImageManifest m = RegistryClientTest.image(client, repo, MediaTypes.OCI_MANIFEST, seed);
        client.putManifest(repo.digest(m.digest()), m);
        return m.digest();
    }

    /** Records {@code event} at {@code at}, and moves the environment's tag as the promoter does when it went live. */
    LedgerEntry record(LedgerLocation where, Instant at, Event event) {
        clock.now = at;
        LedgerEntry e = ledger.record(where, event, ProgressListener.NONE);
        if (event.outcome().makesLive()) {
            ledger.moveTag(where, event.digest());
        }
        return e;
    }

    /** Saves one step of a deployment in the environment's journal, as the deployer does. */
    void journal(LedgerLocation where, String id, String strategy, Digest from, Digest to, Phase phase, String owner,
            Instant started, Instant updated, Instant stageCompleted, String message) {
        LedgerJournal journal = new LedgerJournal(ledger, where, ProgressListener.NONE);
        long revision = journal.load(where.environment()).map(DeploymentState::revision).orElse(0L) + 1;
        Stage stage = Stage.of("all traffic to green", List.of(new Group(Track.GREEN, to, 1)), Map.of(Track.GREEN, 100));
        clock.now = updated;
        journal.save(new DeploymentState(id, where.environment(), repo.toString(), strategy, from,
                from == null ? null : Track.BLUE, to, Track.GREEN, 1, List.of(stage), 1, true, phase, 0, owner,
                revision, started, updated, stageCompleted, null, message));
    }

    /** Attests SLSA provenance for the digest, saying its build started at {@code started}. */
    void provenance(Digest digest, Instant started) {
        Provenance p = new Provenance(new Provenance.Artifact(repo.toString(), digest), "https://git.example/app.git",
                "0123456789abcdef0123456789abcdef01234567", List.of(), Map.of(), null, "https://ci.example/job/app/",
                "test", "alice", Provenance.DOCKER_ENGINE_BUILD_TYPE, "7", started, started.plusSeconds(60), Map.of());
        new Attestor(client).attest(repo.digest(digest), SlsaProvenance.statement(p), key);
    }

    /** Scans the test layer (with known vulnerable packages) and attests the report for the digest. */
    ScanReport scan(Digest digest) throws Exception {
        ScanReport report;
        try (OsvDatabase db = OsvDatabase.open(Path.of("..", "testdata", "osv-db"), ProgressListener.NONE)) {
            report = new Scanner(db, ProgressListener.NONE).scan(repo.digest(digest).toString(), digest.toString(),
                    List.of(Layer.ofBytes("sha256:base", ScanFixtures.baseLayer().gzip())), Policy.REPORT_ONLY);
        }
        Statement s = Statement.about(Subject.of(repo.toString(), digest), PredicateTypes.COSIGN_VULN_V1,
                JSON.readTree(ScanOutputs.vulnPredicate(report, ScanOutputs.Invocation.NONE)));
        new Attestor(client).attest(repo.digest(digest), s, key);
        return report;
    }
}
