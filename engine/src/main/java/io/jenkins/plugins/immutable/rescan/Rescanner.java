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
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.retention.KnownGood;
import io.jenkins.plugins.immutable.scan.Policy;
import io.jenkins.plugins.immutable.scan.ScanOutputs;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.scan.Scanner;
import io.jenkins.plugins.immutable.scan.catalog.Catalog;
import io.jenkins.plugins.immutable.scan.layer.LayerCache;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
 * in every repository of the environments using the digest, where status, the scan gate and rollback read it.
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

    public Rescanner(RegistryClient registry, Ledger ledger, Clock clock, ProgressListener listener) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = listener == null ? ProgressListener.NONE : listener;
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
            risks.add(risk(e.getKey(), e.getValue(), candidates.get(e.getKey()), scans));
        }
        RescanReport report = new RescanReport(started, clock.instant(), scanner.database().info(),
                List.copyOf(scans.values()), risks, cache.layersRead(), cache.layersReplayed());
        listener.line(report.summary());
        LOG.log(report.atRisk() ? Level.WARNING : Level.INFO, "{0}", report.summary());
        return report;
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
                    String.join("\n", prepend(env + ": nothing is live", notes)));
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
                String.join("\n", prepend(head, notes)));
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> out = new ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }
}
