package io.jenkins.plugins.immutable.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.jenkins.plugins.immutable.EngineException;
import java.io.Serializable;

/** Where an environment's instances run: written as exactly one of {@code docker:}, {@code swarm:}, {@code kubernetes:}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
@JsonSubTypes({
    @JsonSubTypes.Type(value = TargetConfig.Docker.class, name = "docker"),
    @JsonSubTypes.Type(value = TargetConfig.Swarm.class, name = "swarm"),
    @JsonSubTypes.Type(value = TargetConfig.Kubernetes.class, name = "kubernetes")
})
public sealed interface TargetConfig extends Serializable {

    /** The health check path probed on each instance before it takes traffic. */
    String healthCheck();

    /**
     * Containers on one Docker engine, host networking, one port per instance from {@code ports}.
     *
     * @param host    DOCKER_HOST form (unix:///..., tcp://...); null = the DOCKER_HOST of the machine that deploys
     * @param address the address instances listen on and the router sends to
     * @param ports   the port range for instances, {@code first-last}
     */
    record Docker(String host, String address, String ports, String healthCheck) implements TargetConfig {

        private static final long serialVersionUID = 1L;

        public Docker {
            host = Text.optional(host);
            address = Text.optional(address) == null ? "127.0.0.1" : address.strip();
            ports = Text.required(ports, "ports", "give the port range instances may use, for example 24100-24199");
            String given = ports;
            Text.in("ports", () -> PortRange.parse(given));
            healthCheck = Text.optional(healthCheck) == null ? "/" : healthCheck.strip();
        }
    }

    /** Docker Swarm services on the engine at {@code host}; {@code ports} as for {@link Docker}. */
    record Swarm(String host, String ports, String healthCheck) implements TargetConfig {

        private static final long serialVersionUID = 1L;

        public Swarm {
            host = Text.optional(host);
            ports = Text.required(ports, "ports", "give the port range replicas may use, for example 24200-24299");
            String given = ports;
            Text.in("ports", () -> PortRange.parse(given));
            healthCheck = Text.optional(healthCheck) == null ? "/" : healthCheck.strip();
        }
    }

    /** Deployments in a Kubernetes namespace (the kubeconfig comes from the usual places). */
    record Kubernetes(String namespace, int containerPort, String healthCheck) implements TargetConfig {

        private static final long serialVersionUID = 1L;

        public Kubernetes {
            namespace = Text.optional(namespace) == null ? "default" : namespace.strip();
            if (containerPort <= 0 || containerPort > 65535) {
                throw Text.invalid("containerPort", "containerPort " + containerPort + " is not a port; give the port the"
                        + " image listens on");
            }
            healthCheck = Text.optional(healthCheck) == null ? "/" : healthCheck.strip();
        }
    }

    /** An inclusive port range written {@code first-last}. */
    record PortRange(int first, int last) {

        public static PortRange parse(String text) {
            String[] parts = text.strip().split("\\s*-\\s*");
            try {
                int first = Integer.parseInt(parts[0]);
                int last = parts.length == 2 ? Integer.parseInt(parts[1]) : first;
                if (parts.length > 2 || first <= 0 || last > 65535 || last < first) {
                    throw new NumberFormatException();
                }
                return new PortRange(first, last);
            } catch (NumberFormatException e) {
                throw EngineException.badInput("ports '" + text + "' is not a port range; write it as first-last,"
                        + " for example 24100-24199");
            }
        }
    }
}
