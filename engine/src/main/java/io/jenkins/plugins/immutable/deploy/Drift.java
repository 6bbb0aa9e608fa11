package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.image.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Compares what actually runs in an environment with what should (the ledger's digest) and lists every difference:
 * instances running another digest, instances made or swapped by hand, instances that stopped, too few instances,
 * and traffic the router sends anywhere but to the engine's instances of that digest.
 *
 * <p>It reads the target and the router as they are, never the engine's records of them; the engine's labels only
 * tell its own instances from hand-made ones.
 */
public final class Drift {

    private Drift() {
    }

    /**
     * @param expected   the digest that should run (the ledger's)
     * @param replicas   how many instances should run it; 0 to leave the count unchecked
     * @param deployment the environment's latest deployment from the journal, or {@code null}: a colour it retains
     *                   without traffic (blue-green) is expected, not drift
     */
    public static DriftReport check(DeploymentTarget target, TrafficRouter router, String environment,
                                    Digest expected, int replicas, DeploymentState deployment) {
        Objects.requireNonNull(expected, "expected");
        List<DriftReport.Difference> differences = new ArrayList<>();
        if (deployment != null && deployment.phase().isUnfinished()) {
            differences.add(new DriftReport.Difference(DriftReport.Kind.DEPLOYMENT_UNFINISHED, environment,
                    "an unfinished deployment owns the environment (" + deployment + "); what runs is in between"));
        }
        List<Instance> instances = target.instances(environment);
        Routing routing = router.current(environment);
        int healthy = 0;
        for (Instance i : instances) {
            boolean retained = deployment != null && deployment.phase() == Phase.RETAINING
                    && i.track() == deployment.live() && i.managed() && Objects.equals(i.digest(), deployment.from());
            if (retained) {
                continue;
            }
            if (!i.managed()) {
                differences.add(new DriftReport.Difference(DriftReport.Kind.UNMANAGED, i.name(),
                        "was not started by the engine (it has no io.jenkins.immutable labels): made or replaced by"
                                + " hand"));
            } else if (i.recorded() != null && i.digest() != null && !i.recorded().equals(i.digest())) {
                differences.add(new DriftReport.Difference(DriftReport.Kind.SWAPPED, i.name(),
                        "is labelled " + i.recorded().shortForm() + " but runs " + i.digest().shortForm()
                                + ": its image was swapped by hand"));
            }
            if (i.digest() == null) {
                differences.add(new DriftReport.Difference(DriftReport.Kind.WRONG_DIGEST, i.name(),
                        "runs an image with no registry digest (built or loaded on the host); the ledger says "
                                + expected.shortForm()));
            } else if (!i.digest().equals(expected)) {
                differences.add(new DriftReport.Difference(DriftReport.Kind.WRONG_DIGEST, i.name(),
                        "runs " + i.digest().shortForm() + "; the ledger says " + expected.shortForm()));
            }
            if (!i.isRunning()) {
                differences.add(new DriftReport.Difference(DriftReport.Kind.NOT_RUNNING, i.name(),
                        "is " + i.status().name().toLowerCase()));
            } else if (i.track() == Track.BASELINE && (deployment == null || !deployment.phase().isUnfinished())) {
                differences.add(new DriftReport.Difference(DriftReport.Kind.LEFTOVER, i.name(),
                        "is a canary baseline, but no canary runs"));
            }
            if (i.managed() && i.isRunning() && expected.equals(i.digest()) && i.track() != Track.BASELINE) {
                healthy++;
            }
        }
        if (replicas > 0 && healthy != replicas) {
            differences.add(new DriftReport.Difference(DriftReport.Kind.COUNT, environment,
                    healthy + " instances started by the engine run " + expected.shortForm() + "; " + replicas
                            + " should"));
        }
        Map<String, Instance> byAddress = instances.stream().filter(i -> i.address() != null)
                .collect(Collectors.toMap(Instance::address, i -> i, (a, b) -> a.isRunning() ? a : b));
        for (Routing.Server server : routing.servers()) {
            if (!server.routed()) {
                continue;
            }
            Instance behind = byAddress.get(server.address());
            String problem = behind == null ? "no instance of " + environment + " listens there"
                    : !behind.managed() ? behind.name() + " listens there, which the engine did not start"
                    : !expected.equals(behind.digest()) ? behind.name() + " listens there, running "
                    + (behind.digest() == null ? "an image with no digest" : behind.digest().shortForm())
                    : null;
            if (problem != null) {
                differences.add(new DriftReport.Difference(DriftReport.Kind.ROUTED_ELSEWHERE, server.name(),
                        "receives traffic for " + server.address() + ", but " + problem));
            }
        }
        return new DriftReport(environment, expected, differences);
    }
}
