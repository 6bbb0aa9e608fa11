package io.jenkins.plugins.immutable.metrics;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerFormat;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 16's bench: metrics over 10,000 ledger entries across 5 environments (goal: under 1 s), then a second call
 * after 10 new entries per environment, which walks only those (the ledgers are still read and checked whole), each
 * beside its peer: a fresh meter doing the full read of the same ledgers. The ledgers are written to the stack's
 * registry, 2,000 entries each (versions promoted through the environments over 30 days, 1 in 10 failing prod's
 * canary, 1 in 30 rolled back): all but the last entry as one version and the last appended to it, which is what a
 * read checks (the head and the version it replaced), instead of 2,000 versions of up to 1.5 MB each; then the new
 * entries one by one through {@link Ledger#record}. Run with scripts/bench-metrics; the stack
 * must be up.
 */
public final class MetricsBench {

    private static final String[] ENVIRONMENTS = {"dev", "qa", "staging", "preprod", "prod"};

    private MetricsBench() {
    }

    public static void main(String[] args) throws Exception {
        int perEnvironment = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        MeteredLedgers site = new MeteredLedgers(Instant.now());
        RegistryClient client = site.client;
        Instant end = Instant.now();
        Instant start = end.minus(Duration.ofDays(30));
        Digest last = site.image(1); // the digest left live everywhere must exist for the environment tags
        List<LedgerLocation> where = new ArrayList<>();
        long t = System.nanoTime();
        for (int e = 0; e < ENVIRONMENTS.length; e++) {
            LedgerLocation loc = site.env(ENVIRONMENTS[e]);
            where.add(loc);
            LedgerHistory h = LedgerHistory.empty(loc.environment());
            boolean prod = e == ENVIRONMENTS.length - 1;
            for (int i = 0; i < perEnvironment; i++) {
                Digest d = i == perEnvironment - 1 ? last
                        : Digest.sha256(("version " + i).getBytes(StandardCharsets.UTF_8));
                Instant at = start.plusMillis((long) (Duration.between(start, end).toMillis()
                        * ((i + e / 10.0) / perEnvironment)));
                boolean fails = prod && i % 10 == 5;
                Event event = Event.promotion(d, fails ? Outcome.FAILED : Outcome.DEPLOYED, "ci-bot")
                        .withRun("https://ci.example/job/app/" + i + "/").withStrategy(prod ? "canary" : "rolling")
                        .withSource(e == 0 ? "registry.example/ci/app@" + d : ENVIRONMENTS[e - 1])
                        .withGates(List.of("previous-environment: passed", "signed: passed, signed by 1234abcd5678"))
                        .withDeployment("deployment-" + e + "-" + i)
                        .withReason(fails ? "rolled back: canary analysis at 10%: error rate High" : null);
                h = LedgerFormat.append(h, event, at);
                if (i % 30 == 29 && i < perEnvironment - 2) {
                    Digest back = Digest.sha256(("version " + (i - 1)).getBytes(StandardCharsets.UTF_8));
                    h = LedgerFormat.append(h, Event.rollback(back, Outcome.ROLLED_BACK, "oncall")
                            .withStrategy("blue-green"), at.plusSeconds(600));
                    i++;
                }
            }
            // All but the last entry as one version, then the last appended to it, as the engine appends: a read
            // checks the head and the version it replaced, which are then what a ledger of this length has.
            List<io.jenkins.plugins.immutable.ledger.LedgerEntry> all = h.entries();
            LedgerHistory before = new LedgerHistory(loc.environment(), all.subList(0, all.size() - 1), null, null,
                    null);
            Digest previous = push(client, loc, before, false);
            LedgerHistory head = LedgerFormat.append(new LedgerHistory(loc.environment(), before.entries(), null, null,
                    previous), all.get(all.size() - 1).event(), all.get(all.size() - 1).time());
            push(client, loc, head, true);
            new Ledger(client).moveTag(loc, last);
        }
        System.out.printf(Locale.ROOT, "wrote %d ledgers of %d entries in %.1f s%n", ENVIRONMENTS.length,
                perEnvironment, (System.nanoTime() - t) / 1e9);

        List<io.jenkins.plugins.immutable.sign.VerificationKey> keys = List.of(SigningKey.generate().publicKey());
        Window window = new Window(start, end.plusSeconds(3600));
        for (boolean attestations : new boolean[] {false, true}) {
            System.out.println(attestations ? "\nwith attestations checked (a trusted key; the bench's digests have"
                    + " none, so every deployed digest is looked up)" : "\nledgers only (no trusted keys)");
            List<io.jenkins.plugins.immutable.sign.VerificationKey> trusted = attestations ? keys : List.of();
            DeliveryMeter kept = new DeliveryMeter(new Ledger(client), client, trusted, Clock.systemUTC());
            report("first call, full read", kept, where, window);
            report("again, nothing new", kept, where, window);
            Ledger writer = new Ledger(client, Clock.systemUTC(), Duration.ofMillis(20), 5);
            for (LedgerLocation loc : where) {
                for (int i = 0; i < 10; i++) {
                    writer.record(loc, Event.promotion(last, Outcome.DEPLOYED, "ci-bot").withStrategy("rolling"),
                            ProgressListener.NONE);
                }
            }
            report("after 10 new entries per environment", kept, where, window);
            report("  peer: a fresh meter, full read", new DeliveryMeter(new Ledger(client), client, trusted,
                    Clock.systemUTC()), where, window);
        }
    }

    /** Pushes a ledger version as {@link Ledger} does (same artifact), tagged as the head when asked. */
    private static Digest push(RegistryClient client, LedgerLocation loc, LedgerHistory history, boolean head) {
        ImageManifest m = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .artifactType(LedgerFormat.MEDIA_TYPE)
                .config(client.pushBlob(loc.repository(), "{}".getBytes(StandardCharsets.UTF_8))
                        .withMediaType(MediaTypes.OCI_EMPTY))
                .layer(client.pushBlob(loc.repository(), LedgerFormat.write(history))
                        .withMediaType(LedgerFormat.MEDIA_TYPE))
                .build();
        client.putManifest(head ? loc.repository().tag(loc.ledgerTag()) : loc.repository().digest(m.digest()), m);
        return m.digest();
    }

    private static void report(String what, DeliveryMeter meter, List<LedgerLocation> where, Window window) {
        DeliveryMetrics m = meter.measure(where, window, Granularity.DAY);
        DeliveryMeter.Reading r = meter.lastReading();
        System.out.printf(Locale.ROOT, "%-40s %6d ms  (ledgers read and checked %5d ms; %5d entries, %5d walked;"
                        + " %4d attestation reads)  M1 %.3f, %d buckets%n", what, r.totalMillis(), r.readMillis(),
                r.entries(), r.entriesWalked(), r.attestationReads(), m.overall().deploymentSuccessRate(),
                m.series().size());
    }
}
