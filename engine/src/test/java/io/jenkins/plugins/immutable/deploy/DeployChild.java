package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.deploy.docker.DockerHostTarget;
import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRouter;
import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRuntime;
import io.jenkins.plugins.immutable.image.Digest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The engine in a process of its own, for {@link DeploymentResumeTest} to kill: deploys with a file journal and, when
 * told, stops dead after a given stage was saved (as a process does when the machine is pulled from under it).
 * Arguments: journal-dir haproxy-socket docker-host first-port last-port environment repository digest replicas
 * strategy (blue-green | canary:&lt;weight&gt;:&lt;pause-ms&gt;) freeze-after-stage (-1: never).
 */
public final class DeployChild {

    private DeployChild() {
    }

    public static void main(String[] args) throws Exception {
        Path journal = Path.of(args[0]);
        HAProxyRouter router = new HAProxyRouter(new HAProxyRuntime(Path.of(args[1])));
        DockerHostTarget target = new DockerHostTarget(DockerClients.connect(args[2]), "127.0.0.1",
                Integer.parseInt(args[3]), Integer.parseInt(args[4]), DockerHostFixture.HEALTH);
        String environment = args[5];
        DeploymentStrategy strategy;
        if (args[9].equals("blue-green")) {
            strategy = new BlueGreen(Duration.ofMinutes(10));
        } else {
            String[] canary = args[9].split(":");
            strategy = new Canary(List.of(new Canary.Step(Integer.parseInt(canary[1]),
                    Duration.ofMillis(Long.parseLong(canary[2])))), 1, true);
        }
        int freezeAfter = Integer.parseInt(args[10]);
        Deployer deployer = Deployer.builder(target, router, new FileDeploymentJournal(journal))
                .owner("deploy-child")
                .listener(line -> System.out.println("child: " + line))
                .onSaved(state -> {
                    System.out.println("SAVED stage=" + state.stage() + " done=" + state.stageDone() + " phase="
                            + state.phase());
                    System.out.flush();
                    if (state.stageDone() && state.stage() == freezeAfter) {
                        System.out.println("FROZEN");
                        System.out.flush();
                        try {
                            Thread.sleep(Long.MAX_VALUE);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }).build();
        DeploymentState state = deployer.deploy(environment, args[6], Digest.parse(args[7]),
                Integer.parseInt(args[8]), strategy);
        System.out.println("FINISHED " + state.phase());
    }
}
