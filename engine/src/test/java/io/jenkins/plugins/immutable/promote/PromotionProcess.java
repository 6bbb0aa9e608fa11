package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.deploy.Canary;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.deploy.docker.DockerHostTarget;
import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRouter;
import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRuntime;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A separate process that promotes an image with a canary that holds 50% for a while, for {@link PromotionTest} to
 * kill mid-way and resume from the ledger.
 */
public final class PromotionProcess {

    private PromotionProcess() {
    }

    /** Arguments: environment, repository, HAProxy admin socket, first port, last port, image, pause seconds. */
    public static void main(String[] args) {
        RegistryClient client = RegistryClient.builder().build();
        Environment env = environment(args[0], args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                Duration.ofSeconds(Long.parseLong(args[6])));
        Promoter promoter = Promoter.builder(client, new Ledger(client), env)
                .listener(System.out::println).build();
        promoter.promote(PromotionRequest.of(ImageReference.parse(args[5]), env.name(), "process", "pid "
                + ProcessHandle.current().pid()));
        System.out.println("promotion finished");
    }

    static Environment environment(String name, String repository, String socket, int firstPort, int lastPort,
            Duration pause) {
        return new Environment(name, Repository.parse(repository), 1,
                new DockerHostTarget(DockerClients.connect(Stack.dockerHost()), "127.0.0.1", firstPort, lastPort,
                        Site.HEALTH),
                new HAProxyRouter(new HAProxyRuntime(Path.of(socket))), Canary.of(pause, 50), GatePolicy.ORDER_ONLY);
    }
}
