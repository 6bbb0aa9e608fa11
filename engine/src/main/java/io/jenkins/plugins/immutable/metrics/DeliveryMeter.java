package io.jenkins.plugins.immutable.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.attest.AttestationVerification;
import io.jenkins.plugins.immutable.attest.AttestationVerifier;
import io.jenkins.plugins.immutable.attest.PredicateTypes;
import io.jenkins.plugins.immutable.attest.SlsaProvenance;
import io.jenkins.plugins.immutable.attest.Statement;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.deploy.DeploymentStateJson;
import io.jenkins.plugins.immutable.deploy.Phase;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.DeploymentRecord;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.scan.ScanOutputs;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Computes {@link DeliveryMetrics} from the environments' ledgers in the registry, and the attestations of the
 * digests they name.
 *
 * <p>Keep one instance to measure again: what it read is kept, keyed by what cannot change. A ledger version is
 * addressed by its digest and a later version holds the same entries plus new ones, so only new entries are walked
 * (the ledger itself is still read and checked on every call); an earlier version's deployment journal, read for
 * rollback times, is kept by version digest; a digest's verified provenance is kept by repository and digest (a
 * missing one is asked again after {@link #NO_PROVENANCE_RECHECK}: it may be attested later). The live digests' scans
 * are read on every call: a re-scan may have found more. Safe for use by several threads.
 */
public final class DeliveryMeter {

    private static final Logger LOG = Logger.getLogger(DeliveryMeter.class.getName());

    /** How long "this digest has no verified provenance" is believed before asking the registry again. */
    public static final Duration NO_PROVENANCE_RECHECK = Duration.ofMinutes(10);

    /** How many earlier ledger versions are read back to find when a rollback was decided. */
    static final int JOURNAL_VERSIONS_SEARCHED = 50;

    /** Parallel attestation look-ups: the registry answers several at once much faster than in turn. */
    private static final int LOOKUP_THREADS = 8;

    private final Ledger ledger;
    private final AttestationVerifier verifier;
    private final TrustPolicy trust;
    private final Clock clock;

    private final Map<LedgerLocation, Occurrences> occurrences = new ConcurrentHashMap<>();
    private final Map<Digest, Optional<VersionFacts>> versions = new ConcurrentHashMap<>();
    private final Map<Digest, Optional<Tally.RollbackTiming>> timings = new ConcurrentHashMap<>();
    private final Map<ImageKey, Checked> provenance = new ConcurrentHashMap<>();
    private volatile Reading lastReading;

    /** What one earlier ledger version said about the deployment journal. */
    private record VersionFacts(DeploymentRecord deployment, Digest previousVersion) {
    }

    private record ImageKey(Repository repository, Digest digest) {
    }

    private record Checked(Optional<BuildFacts> facts, Instant at) {
    }

    /**
     * What the last {@link #measure} call read, for benchmarks and logs.
     *
     * @param entries         entries in all the ledgers read
     * @param entriesWalked   of which walked for the first time (the rest came from what this meter kept)
     * @param versionsRead    earlier ledger versions fetched for journal times
     * @param attestationReads digests whose attestations were fetched and verified
     * @param readMillis      time spent reading and checking the ledgers
     * @param totalMillis     time of the whole call
     */
    public record Reading(int entries, int entriesWalked, int versionsRead, int attestationReads, long readMillis,
            long totalMillis) {
    }

    /**
     * @param attestedBy keys trusted to sign provenance and scan attestations; empty: they are not checked, and M6,
     *                   M7 and lead time are not measured
     */
    public DeliveryMeter(Ledger ledger, io.jenkins.plugins.immutable.registry.RegistryClient registry,
            List<VerificationKey> attestedBy, Clock clock) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.verifier = new AttestationVerifier(Objects.requireNonNull(registry, "registry"));
        this.trust = attestedBy == null || attestedBy.isEmpty() ? null : TrustPolicy.of(attestedBy).withAnyIdentity();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What the last call read; null before the first. */
    public Reading lastReading() {
        return lastReading;
    }

    /**
     * The metrics of {@code environments} (in promotion order: the last is production for the DORA keys) over
     * {@code window}, with a series by {@code granularity}.
     *
     * @throws EngineException INTEGRITY when a ledger is broken (the figures would rest on a rewritten history),
     *         OUTAGE when the registry cannot be reached
     */
    public DeliveryMetrics measure(List<LedgerLocation> environments, Window window, Granularity granularity) {
        return measure(environments, environments.isEmpty() ? List.of()
                : List.of(environments.get(environments.size() - 1).environment()), window, granularity);
    }

    /**
     * The metrics of {@code environments} over {@code window}, with a series by {@code granularity}; the DORA keys are
     * read in the {@code production} environments together (the leaves of a promotion graph: production and its
     * variants, each of whose deployments is a deployment to production).
     *
     * @param production names among {@code environments}; none: the last of them
     * @throws EngineException INTEGRITY when a ledger is broken (the figures would rest on a rewritten history),
     *         OUTAGE when the registry cannot be reached
     */
    public DeliveryMetrics measure(List<LedgerLocation> environments, List<String> production, Window window,
            Granularity granularity) {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(granularity, "granularity");
        if (environments.isEmpty()) {
            throw EngineException.badInput("no environment to measure: configure environments, or name one");
        }
        List<String> measured = environments.stream().map(LedgerLocation::environment).toList();
        List<String> prod = production.stream().filter(measured::contains).toList();
        if (prod.isEmpty()) {
            prod = List.of(measured.get(measured.size() - 1));
        }
        long start = System.nanoTime();
        Instant now = clock.instant();
        int[] counters = new int[3];
        ExecutorService pool = Executors.newFixedThreadPool(LOOKUP_THREADS, r -> {
                    Thread t = new Thread(r, "delivery-metrics");
                    t.setDaemon(true);
                    return t;
                });
        try {
            Map<LedgerLocation, LedgerHistory> histories = readAll(environments, pool);
            long read = System.nanoTime();
            int entries = 0;
            for (LedgerLocation where : environments) {
                LedgerHistory h = histories.get(where);
                entries += h.entries().size();
                counters[0] += occurrences.computeIfAbsent(where, w -> new Occurrences()).advance(h);
            }

            Map<ImageKey, AttestationVerification> live = new LinkedHashMap<>();
            Set<ImageKey> wanted = new HashSet<>();
            for (LedgerLocation where : environments) {
                histories.get(where).live().ifPresent(d -> live.put(new ImageKey(where.repository(), d), null));
                if (trust != null) {
                    for (Occurrences.Occurrence o : occurrences.get(where).all()) {
                        if (o.kind() == Occurrences.Kind.PROMOTION && window.contains(o.time())
                                && o.entry().outcome().makesLive()) {
                            wanted.add(new ImageKey(where.repository(), o.entry().digest()));
                        }
                    }
                }
            }
            if (trust != null) {
                counters[2] += lookUp(live, wanted, now, pool);
            }

            List<EnvironmentMetrics> rows = new ArrayList<>();
            Tally overall = new Tally();
            Tally inProduction = new Tally();
            Map<LedgerLocation, Tally.Facts> facts = new LinkedHashMap<>();
            for (LedgerLocation where : environments) {
                Tally.Facts f = facts(where, counters);
                facts.put(where, f);
                Tally t = Tally.of(occurrences.get(where).all(), window, f, trust != null);
                overall.add(t);
                if (prod.contains(where.environment())) {
                    inProduction.add(t);
                }
                LedgerHistory h = histories.get(where);
                rows.add(new EnvironmentMetrics(where.environment(), where.repository().toString(), h.entries().size(),
                        h.version(), t.figures(window), liveImage(where, h, live)));
            }

            List<Bucket> series = new ArrayList<>();
            for (Window bucket : granularity.buckets(window)) {
                Map<String, Figures> per = new LinkedHashMap<>();
                Tally all = new Tally();
                for (LedgerLocation where : environments) {
                    Tally t = Tally.of(occurrences.get(where).all(), bucket, facts.get(where), trust != null);
                    all.add(t);
                    per.put(where.environment(), t.figures(bucket));
                }
                series.add(new Bucket(bucket, all.figures(bucket), per));
            }

            Figures total = overall.figures(window);
            DoraKeys dora = DoraKeys.of(prod, inProduction.figures(window));
            List<String> driftNotes = new ArrayList<>();
            List<String> unchecked = new ArrayList<>();
            for (EnvironmentMetrics row : rows) {
                if (row.figures().driftIncidents() == null) {
                    unchecked.add(row.environment());
                }
            }
            if (!unchecked.isEmpty()) {
                driftNotes.add("M4 (drift incidents) is not measured in " + String.join(", ", unchecked) + ": no"
                        + " drift check is recorded in " + (unchecked.size() == 1 ? "its ledger" : "their ledgers")
                        + " before the window's end; `immutable drift` (or the Environments page's drift check)"
                        + " records one");
            }
            for (LedgerLocation where : environments) {
                LedgerEntry open = occurrences.get(where).openDrift();
                if (open != null) {
                    driftNotes.add(where.environment() + " has drifted since " + open.time() + " (entry #"
                            + open.sequence() + "): no drift check recorded since found it clean");
                }
            }
            DeliveryMetrics result = assemble(window, granularity, now, rows, total, dora, series, driftNotes);
            lastReading = new Reading(entries, counters[0], counters[1], counters[2],
                    (read - start) / 1_000_000, (System.nanoTime() - start) / 1_000_000);
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    private DeliveryMetrics assemble(Window window, Granularity granularity, Instant now,
            List<EnvironmentMetrics> rows, Figures total, DoraKeys dora, List<Bucket> series, List<String> driftNotes) {
        Map<Digest, List<VersionShare.Placement>> byDigest = new LinkedHashMap<>();
        Map<Digest, LiveImage> firstSeen = new LinkedHashMap<>();
        for (EnvironmentMetrics row : rows) {
            if (row.live() != null) {
                byDigest.computeIfAbsent(row.live().digest(), d -> new ArrayList<>())
                        .add(new VersionShare.Placement(row.environment(), row.live().since()));
                firstSeen.putIfAbsent(row.live().digest(), row.live());
            }
        }
        List<VersionShare> versions = new ArrayList<>();
        byDigest.forEach((d, p) -> versions.add(new VersionShare(d, p)));
        versions.sort((a, b) -> newest(b).compareTo(newest(a)));

        int withProvenance = 0;
        int scanned = 0;
        int weighted = 0;
        for (LiveImage image : firstSeen.values()) {
            boolean provenanceAnywhere = rows.stream().map(EnvironmentMetrics::live)
                    .filter(l -> l != null && l.digest().equals(image.digest())).anyMatch(l -> l.provenance() != null);
            withProvenance += provenanceAnywhere ? 1 : 0;
            Vulnerabilities v = rows.stream().map(EnvironmentMetrics::live)
                    .filter(l -> l != null && l.digest().equals(image.digest()) && l.vulnerabilities() != null)
                    .map(LiveImage::vulnerabilities).findFirst().orElse(null);
            if (v != null) {
                scanned++;
                weighted += v.weighted();
            }
        }
        int liveDigests = firstSeen.size();
        boolean checked = trust != null;
        List<String> notes = new ArrayList<>(driftNotes);
        if (!checked) {
            notes.add("no trusted keys to verify attestations with (signing.trustedKeys): provenance coverage (M6),"
                    + " vulnerability density (M7) and lead time are not measured");
        } else {
            if (total.leadTimeUnmeasured() > 0) {
                notes.add(total.leadTimeUnmeasured() + " of " + total.deployed() + " deployments have no lead time:"
                        + " their digest has no verified SLSA provenance with a build start in the environment's"
                        + " repository");
            }
            if (liveDigests > scanned) {
                notes.add((liveDigests - scanned) + " of " + liveDigests + " live digests have no verified scan"
                        + " attestation; M7 counts only the scanned ones");
            }
        }
        if (total.rollbacksUntimed() > 0) {
            notes.add(total.rollbacksUntimed() + " of " + total.rollbacks() + " rollbacks have no time to rollback:"
                    + " their deployment journal (kept in earlier ledger versions) does not show when the rollback"
                    + " was decided, or is gone from the registry");
        }
        return new DeliveryMetrics(window, granularity, now, rows, total, dora, checked, liveDigests,
                checked ? withProvenance : 0,
                checked ? Figures.ratio(withProvenance, liveDigests) : null, checked ? scanned : 0,
                checked && scanned > 0 ? (double) weighted / scanned : null, series, versions, notes);
    }

    private static Instant newest(VersionShare v) {
        return v.placements().stream().map(VersionShare.Placement::since).max(Instant::compareTo).orElse(Instant.MIN);
    }

    private Map<LedgerLocation, LedgerHistory> readAll(List<LedgerLocation> environments, ExecutorService pool) {
        Map<LedgerLocation, Future<LedgerHistory>> futures = new LinkedHashMap<>();
        for (LedgerLocation where : environments) {
            futures.put(where, pool.submit(() -> ledger.read(where)));
        }
        Map<LedgerLocation, LedgerHistory> result = new LinkedHashMap<>();
        futures.forEach((where, f) -> result.put(where, await(f)));
        return result;
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Kind.OUTAGE, "interrupted while reading the ledgers", e);
        }
    }

    /** Verifies the live digests' attestations, and the provenance of {@code wanted} not known yet; returns how many. */
    private int lookUp(Map<ImageKey, AttestationVerification> live, Set<ImageKey> wanted, Instant now,
            ExecutorService pool) {
        Map<ImageKey, Future<AttestationVerification>> futures = new LinkedHashMap<>();
        for (ImageKey key : live.keySet()) {
            futures.put(key, pool.submit(() -> verify(key)));
        }
        for (ImageKey key : wanted) {
            Checked c = provenance.get(key);
            boolean fresh = c != null && (c.facts().isPresent() || c.at().plus(NO_PROVENANCE_RECHECK).isAfter(now));
            if (!fresh && !futures.containsKey(key)) {
                futures.put(key, pool.submit(() -> verify(key)));
            }
        }
        for (Map.Entry<ImageKey, Future<AttestationVerification>> e : futures.entrySet()) {
            AttestationVerification v = await(e.getValue());
            provenance.put(e.getKey(), new Checked(v == null ? Optional.empty() : buildFacts(v), now));
            if (live.containsKey(e.getKey())) {
                live.put(e.getKey(), v);
            }
        }
        return futures.size();
    }

    /** The image's attestations, verified; null when they cannot be read (said in the log, not fatal). */
    private AttestationVerification verify(ImageKey key) {
        try {
            return verifier.verify(key.repository().digest(key.digest()), trust);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.OUTAGE) {
                throw e;
            }
            LOG.log(Level.FINE, "attestations of {0} not readable: {1}", new Object[] {key, e.getMessage()});
            return null;
        }
    }

    private static Optional<BuildFacts> buildFacts(AttestationVerification v) {
        for (Statement s : v.verified(PredicateTypes.SLSA_PROVENANCE_V1)) {
            try {
                SlsaProvenance p = SlsaProvenance.read(s.predicate());
                return Optional.of(new BuildFacts(p.builderId(), p.sourceRepository(), p.sourceCommit(),
                        instant(s.predicate().path("runDetails").path("metadata").path("startedOn"))));
            } catch (IllegalArgumentException e) {
                // not a usable SLSA v1 provenance; another statement may be
            }
        }
        return Optional.empty();
    }

    private static Vulnerabilities vulnerabilities(AttestationVerification v) {
        ScanReport newest = null;
        for (Statement s : v.verified(PredicateTypes.COSIGN_VULN_V1)) {
            JsonNode result = s.predicate().path("scanner").path("result");
            if (!result.isObject()) {
                continue;
            }
            try {
                ScanReport r = ScanOutputs.parseJson(result.toString());
                if (r.finishedOn() != null && (newest == null || r.finishedOn().isAfter(newest.finishedOn()))) {
                    newest = r;
                }
            } catch (EngineException e) {
                // a vuln attestation of another scanner: not counted
            }
        }
        return newest == null ? null : Vulnerabilities.of(newest.finishedOn(), newest.countsBySeverity());
    }

    private static Instant instant(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private LiveImage liveImage(LedgerLocation where, LedgerHistory h, Map<ImageKey, AttestationVerification> live) {
        Optional<LedgerEntry> entry = h.liveEntry();
        if (entry.isEmpty()) {
            return null;
        }
        LedgerEntry e = entry.get();
        ImageKey key = new ImageKey(where.repository(), e.digest());
        AttestationVerification v = live.get(key);
        BuildFacts facts = v == null ? null : buildFacts(v).orElse(null);
        return new LiveImage(where.environment(), where.repository().toString(), e.digest(), e.time(), e.sequence(),
                e.action(), e.actor(), e.run(), facts, v == null ? null : vulnerabilities(v));
    }

    private Tally.Facts facts(LedgerLocation where, int[] counters) {
        return new Tally.Facts() {
            @Override
            public Optional<Tally.RollbackTiming> rollback(LedgerEntry entry) {
                Optional<Tally.RollbackTiming> known = timings.get(entry.hash());
                if (known != null) {
                    return known;
                }
                Optional<Tally.RollbackTiming> t = rollbackTiming(where, entry, counters);
                timings.put(entry.hash(), t);
                return t;
            }

            @Override
            public Optional<Instant> buildStarted(Digest digest) {
                Checked c = provenance.get(new ImageKey(where.repository(), digest));
                return c == null ? Optional.empty() : c.facts().map(BuildFacts::buildStarted);
            }
        };
    }

    /**
     * When the deployment an entry records was started, when its rollback was decided, and when traffic was restored,
     * from the journal in the ledger versions before the entry (see docs/metrics.md, M2).
     */
    private Optional<Tally.RollbackTiming> rollbackTiming(LedgerLocation where, LedgerEntry entry, int[] counters) {
        String id = entry.event().deployment();
        if (id == null || entry.previousLedger() == null) {
            return Optional.empty();
        }
        Digest version = entry.previousLedger();
        DeploymentState last = null;
        Instant decided = null;
        DeploymentRecord seen = null;
        for (int i = 0; version != null && i < JOURNAL_VERSIONS_SEARCHED; i++) {
            Optional<VersionFacts> facts = version(where, version, counters);
            if (facts.isEmpty() || facts.get().deployment() == null || !id.equals(facts.get().deployment().id())) {
                break;
            }
            if (facts.get().deployment().equals(seen)) {
                // a version that only appended an entry (an observation, a freeze) carries the record unchanged
                version = facts.get().previousVersion();
                continue;
            }
            seen = facts.get().deployment();
            DeploymentState state = DeploymentStateJson.fromJson(
                    facts.get().deployment().state().getBytes(StandardCharsets.UTF_8), where.toString());
            if (last == null) {
                last = state;
                if (state.phase() != Phase.ROLLED_BACK) {
                    break; // a rollback by deploying the earlier digest again: no walk needed
                }
            } else if (state.phase() == Phase.ROLLING_BACK) {
                decided = state.updated();
            } else {
                break;
            }
            version = facts.get().previousVersion();
        }
        if (last == null) {
            return Optional.empty();
        }
        return switch (last.phase()) {
            case ROLLED_BACK -> Optional.of(new Tally.RollbackTiming(last.started(), decided, last.updated()));
            case SUCCEEDED, RETAINING -> Optional.of(new Tally.RollbackTiming(last.started(), last.started(),
                    last.stageCompleted() != null ? last.stageCompleted() : last.updated()));
            default -> Optional.empty();
        };
    }

    private Optional<VersionFacts> version(LedgerLocation where, Digest version, int[] counters) {
        Optional<VersionFacts> known = versions.get(version);
        if (known != null) {
            return known;
        }
        counters[1]++;
        Optional<VersionFacts> facts = ledger.readVersion(where, version)
                .map(h -> new VersionFacts(h.deployment(), h.previousVersion()));
        versions.put(version, facts);
        return facts;
    }
}
