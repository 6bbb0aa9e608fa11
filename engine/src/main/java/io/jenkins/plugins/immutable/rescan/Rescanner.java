package io.jenkins.plugins.immutable.rescan;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.attest.AttestResult;
import io.jenkins.plugins.immutable.attest.Attestor;
import io.jenkins.plugins.immutable.attest.ScanAttestation;
import io.jenkins.plugins.immutable.attest.Statement;
import io.jenkins.plugins.immutable.bake.Provenance;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerJournal;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.LedgerObserver;
import io.jenkins.plugins.immutable.ledger.RescanRecord;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.retention.KnownGood;
import io.jenkins.plugins.immutable.scan.Policy;
import io.jenkins.plugins.immutable.scan.ScanOutputs;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.scan.Scanner;
import io.jenkins.plugins.immutable.scan.Severity;
import io.jenkins.plugins.immutable.scan.catalog.Catalog;
import io.jenkins.plugins.immutable.scan.layer.LayerCache;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Re-scans what the environments run or could return to against today's vulnerability database: every live digest,
 * every digest a blue-green deployment retains, and each environment's rollback candidates. Each digest is scanned
 * once however many environments use it, from one repository that holds it, and the layers the images share are read
 * once for the whole run. With a signing key, each result is attested (cosign's vuln attestation, dated by the scan)
 * in every repository of the environments using the digest, where status, the scan gate and rollback read it. Told
 * who runs it ({@link #recordingAs}), it records each environment's result in its ledger as a {@code rescan} entry
 * when the result changed since the last one recorded there (evidence for audits; nothing that decides reads it).
 *
 * <p>A digest that cannot be scanned (gone from the registry, unreadable) is reported with why, and the run goes on;
 * a broken ledger stops the run before anything is scanned, as every ledger read does.
 */
public final class Rescanner {

    private static final Logger LOG = Logger.getLogger(Rescanner.class.getName());

    private final RegistryClient registry;
    private final Ledger ledger;
    private final Clock clock;
    private final ProgressListener listener;
    /** Records each environment's result in its ledger; null: results are not recorded. */
    private final LedgerObserver observer;

    public Rescanner(RegistryClient registry, Ledger ledger, Clock clock, ProgressListener listener) {
        this(registry, ledger, clock, listener, null);
    }

    private Rescanner(RegistryClient registry, Ledger ledger, Clock clock, ProgressListener listener,
            LedgerObserver observer) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = listener == null ? ProgressListener.NONE : listener;
        this.observer = observer;
    }

    /**
     * A re-scanner that records each environment's result in its ledger as a {@code rescan} entry by {@code actor}
     * (a user, a job, a scheduled task) from {@code run} (a Jenkins run URL, a CLI invocation; may be null), when it
     * differs from the last one recorded there or that one is older than a week ({@link Ledger#observe}).
     */
    public Rescanner recordingAs(String actor, String run) {
        return new Rescanner(registry, ledger, clock, listener, new LedgerObserver(ledger, actor, run, listener));
    }

    /**
     * Re-scans the environments' digests under the policy.
     *
     * @param environments   the environments' ledger locations
     * @param scanner        the scanner, with today's database; the run gives it its own layer cache
     * @param policy         the scan policy the results are judged by
     * @param lastKnownGood  how many known-good digests of each environment count, the live one included (retention's
     *                       keepLastGood): the others are its rollback candidates
     * @param attestWith     the key to attest each result with, or null to attest nothing
     */
    public RescanReport rescan(Collection<LedgerLocation> environments, Scanner scanner, Policy policy,
            int lastKnownGood, SigningKey attestWith) {
        Objects.requireNonNull(scanner, "scanner");
        Objects.requireNonNull(policy, "policy");
        if (lastKnownGood < 1) {
            throw EngineException.badInput("a re-scan needs at least the live digest of each environment"
                    + " (lastKnownGood " + lastKnownGood + "); set retention.keepLastGood to 1 or more");
        }
        Instant started = clock.instant();
        // Read every ledger first: a broken one stops the run before anything is scanned or attested.
        Map<Digest, List<Use>> uses = new LinkedHashMap<>();
        Map<LedgerLocation, LedgerHistory> histories = new LinkedHashMap<>();
        Map<LedgerLocation, List<Digest>> candidates = new LinkedHashMap<>();
        List<Runnable> later = new ArrayList<>();
        for (LedgerLocation where : environments) {
            LedgerHistory history = ledger.read(where);
            histories.put(where, history);
            String env = where.environment();
            history.live().ifPresent(d -> use(uses, d, new Use(env, where.repository(), Role.LIVE)));
            if (history.deployment() != null) {
                Optional<DeploymentState> state = new LedgerJournal(ledger, where, ProgressListener.NONE).load(env);
                Digest live = history.live().orElse(null);
                state.ifPresent(s -> {
                    // what the deployment moves from (a retained colour) or to (not live yet); the live one is counted
                    for (Digest d : new Digest[] {s.from(), s.to()}) {
                        if (d != null && !d.equals(live)) {
                            later.add(() -> use(uses, d, new Use(env, where.repository(), Role.RETAINED)));
                        }
                    }
                });
            }
            List<Digest> mine = KnownGood.rollbackCandidates(history, lastKnownGood).stream()
                    .map(LedgerEntry::digest).toList();
            candidates.put(where, mine);
            for (Digest d : mine) {
                later.add(() -> use(uses, d, new Use(env, where.repository(), Role.ROLLBACK_CANDIDATE)));
            }
        }
        later.forEach(Runnable::run); // live digests first, so they are scanned (and reported) first
        listener.line("Re-scanning " + uses.size() + " digest" + (uses.size() == 1 ? "" : "s") + " of "
                + histories.size() + " environment" + (histories.size() == 1 ? "" : "s") + " against "
                + scanner.database().info().location() + " (" + scanner.database().info().records() + " records)");

        LayerCache<Catalog.Found> cache = new LayerCache<>();
        Scanner cached = scanner.withLayerCache(cache);
        Map<Digest, DigestScan> scans = new LinkedHashMap<>();
        for (Map.Entry<Digest, List<Use>> e : uses.entrySet()) {
            scans.put(e.getKey(), scanOne(e.getKey(), e.getValue(), cached, policy, attestWith));
        }

        List<EnvironmentRisk> risks = new ArrayList<>();
        for (Map.Entry<LedgerLocation, LedgerHistory> e : histories.entrySet()) {
            EnvironmentRisk risk = risk(e.getKey(), e.getValue(), candidates.get(e.getKey()), scans);
            if (observer != null) {
                risk = risk.withRecorded(observer.record(e.getKey(), observation(e.getKey(), risk,
                        candidates.get(e.getKey()), scans, scanner.database().info())));
            }
            risks.add(risk);
        }
        RescanReport report = new RescanReport(started, clock.instant(), scanner.database().info(),
                List.copyOf(scans.values()), risks, cache.layersRead(), cache.layersReplayed());
        listener.line(report.summary());
        LOG.log(report.atRisk() ? Level.WARNING : Level.INFO, "{0}", report.summary());
        return report;
    }

    /** The environment's result as its ledger records it (a ledger that cannot be written does not stop the run). */
    private static RescanRecord observation(LedgerLocation where, EnvironmentRisk risk, List<Digest> candidates,
            Map<Digest, DigestScan> scans, OsvDatabase.Info db) {
        return new RescanRecord(status(risk.status()), risk.live(), scannedFor(where.environment(), candidates, scans),
                db == null ? null : new RescanRecord.Database(db.fingerprint(), db.records(), db.newestModified()));
    }

    private static RescanRecord.Status status(EnvironmentRisk.Status s) {
        return switch (s) {
            case PASSING -> RescanRecord.Status.PASSING;
            case AT_RISK -> RescanRecord.Status.AT_RISK;
            case UNKNOWN -> RescanRecord.Status.UNKNOWN;
            case NOTHING_LIVE -> RescanRecord.Status.NOTHING_LIVE;
        };
    }

    /**
     * The environment's digests as its ledger records them: live first, then retained, then the rollback candidates
     * newest first, each with its roles here. The order is the environment's own, whatever the other environments of
     * the run, so that an unchanged result compares equal to the last one recorded.
     */
    private static List<RescanRecord.ScannedDigest> scannedFor(String env, List<Digest> candidates,
            Map<Digest, DigestScan> scans) {
        List<DigestScan> mine = new ArrayList<>();
        for (DigestScan s : scans.values()) {
            if (s.uses().stream().anyMatch(u -> u.environment().equals(env))) {
                mine.add(s);
            }
        }
        mine.sort(Comparator.comparingInt((DigestScan s) -> s.uses().stream()
                        .filter(u -> u.environment().equals(env)).mapToInt(u -> u.role().ordinal()).min().orElse(0))
                .thenComparingInt(s -> candidates.indexOf(s.digest()))
                .thenComparing(s -> s.digest().toString()));
        List<RescanRecord.ScannedDigest> out = new ArrayList<>();
        for (DigestScan s : mine) {
            List<String> roles = s.uses().stream().filter(u -> u.environment().equals(env))
                    .map(u -> u.role().toString()).toList();
            ScanReport r = s.report();
            if (r == null) {
                out.add(new RescanRecord.ScannedDigest(s.digest(), roles, RescanRecord.ScannedDigest.NOT_SCANNED, null,
                        null, s.error()));
                continue;
            }
            Map<Severity, Integer> c = r.countsBySeverity();
            out.add(new RescanRecord.ScannedDigest(s.digest(), roles, r.verdict().name().toLowerCase(Locale.ROOT),
                    new RescanRecord.Counts(c.get(Severity.CRITICAL), c.get(Severity.HIGH), c.get(Severity.MEDIUM),
                            c.get(Severity.LOW), c.get(Severity.UNKNOWN)), r.finishedOn(),
                    r.passed() ? null : String.join("; ", r.reasons())));
        }
        return out;
    }

    private static void use(Map<Digest, List<Use>> uses, Digest digest, Use use) {
        List<Use> list = uses.computeIfAbsent(digest, k -> new ArrayList<>());
        if (!list.contains(use)) {
            list.add(use);
        }
    }

    private DigestScan scanOne(Digest digest, List<Use> uses, Scanner scanner, Policy policy, SigningKey key) {
        Set<Repository> repositories = new LinkedHashSet<>();
        uses.forEach(u -> repositories.add(u.repository()));
        List<Repository> holding = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Repository r : repositories) {
            try {
                if (registry.headManifest(r.digest(digest)).isPresent()) {
                    holding.add(r);
                }
            } catch (EngineException ex) {
                problems.add(r + ": " + ex.getMessage());
            }
        }
        if (holding.isEmpty()) {
            String error = digest.shortForm() + " is in none of " + repositories
                    + (problems.isEmpty() ? " (deleted?)" : ": " + String.join("; ", problems))
                    + "; it cannot be scanned, so its risk is unknown";
            listener.line("cannot re-scan " + digest.shortForm() + " (" + uses + "): " + error);
            return new DigestScan(digest, uses, null, null, error, List.of());
        }
        ImageReference from = holding.get(0).digest(digest);
        listener.line("Re-scanning " + from + " (" + uses.stream().map(Use::toString).distinct().toList() + ")");
        ScanReport report;
        try {
            report = scanner.scan(registry, from, null, policy);
        } catch (EngineException ex) {
            LOG.log(Level.WARNING, "re-scan of {0} failed: {1}", new Object[] {from, ex.getMessage()});
            listener.line("cannot re-scan " + from + ": " + ex.getMessage());
            return new DigestScan(digest, uses, from, null, ex.getMessage(), List.of());
        }
        List<ImageReference> attested = new ArrayList<>();
        if (key != null) {
            for (Repository r : holding) {
                ImageReference image = r.digest(digest);
                Statement statement = ScanAttestation.statement(report, new ScanOutputs.Invocation(
                        Map.of("image", image.toString(), "rescan", "true"), "", UUID.randomUUID().toString(),
                        Provenance.CLI_BUILDER_ID));
                AttestResult result = new Attestor(registry).withListener(listener).attest(image, statement, key);
                attested.add(result.image());
            }
        }
        return new DigestScan(digest, uses, from, report, null, attested);
    }

    private static EnvironmentRisk risk(LedgerLocation where, LedgerHistory history, List<Digest> candidates,
            Map<Digest, DigestScan> scans) {
        String env = where.environment();
        List<Digest> withdrawn = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Digest c : candidates) {
            DigestScan s = scans.get(c);
            if (s != null && s.fails()) {
                withdrawn.add(c);
                notes.add("rollback candidate " + c.shortForm() + " is withdrawn from rollback: " + s.why());
            }
        }
        Optional<Digest> live = history.live();
        if (live.isEmpty()) {
            return new EnvironmentRisk(env, where.repository(), null, EnvironmentRisk.Status.NOTHING_LIVE, withdrawn,
                    String.join("\n", prepend(env + ": nothing is live", notes)), null);
        }
        DigestScan s = scans.get(live.get());
        EnvironmentRisk.Status status;
        String head;
        if (s.error() != null) {
            status = EnvironmentRisk.Status.UNKNOWN;
            head = env + ": the live digest " + live.get().shortForm() + " could not be re-scanned: " + s.error();
        } else if (s.fails()) {
            status = EnvironmentRisk.Status.AT_RISK;
            head = env + " is AT RISK: its live digest " + live.get().shortForm() + " fails its policy today; "
                    + s.why() + ". Promote a fixed digest (or roll back to a candidate that passes), or record an"
                    + " ignore with a reason and re-scan";
        } else {
            status = EnvironmentRisk.Status.PASSING;
            head = env + ": the live digest " + live.get().shortForm() + " passes (" + s.report().summary() + ")";
        }
        return new EnvironmentRisk(env, where.repository(), live.get(), status, withdrawn,
                String.join("\n", prepend(head, notes)), null);
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> out = new ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }
}
