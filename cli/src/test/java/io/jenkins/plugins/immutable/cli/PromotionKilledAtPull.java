package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.config.ConfigYaml;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.promote.PromotionRequest;
import java.nio.file.Path;

/**
 * A promotion run in a process of its own, from a directory's immutable.yaml as the command line would run it, that
 * dies at once (as under kill -9) when the Docker engine is about to pull the image: it leaves an unfinished
 * deployment in the environment's ledger, owned by a process that is gone. Arguments: directory, image, environment.
 */
public final class PromotionKilledAtPull {

    private PromotionKilledAtPull() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Wiring wiring = Wiring.builder(ConfigYaml.read(dir.resolve("immutable.yaml")),
                        new EnvironmentCredentials(System.getenv(), dir))
                .dockerHost(System.getenv("DOCKER_HOST"))
                .listener(line -> {
                    System.out.println(line);
                    if (line.startsWith("pulling ")) {
                        System.out.flush();
                        Runtime.getRuntime().halt(137);
                    }
                })
                .build();
        wiring.promoter().promote(PromotionRequest.of(ImageReference.parse(args[1]), args[2], "killed",
                "pid " + ProcessHandle.current().pid()));
        System.out.println("promotion finished");
    }
}
