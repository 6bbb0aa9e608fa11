package io.jenkins.plugins.immutable.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.io.Serializable;

/** What shifts traffic between versions: {@code haproxy:} or {@code kubernetes:}; absent = the target's own switch. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
@JsonSubTypes({
    @JsonSubTypes.Type(value = RouterConfig.Haproxy.class, name = "haproxy"),
    @JsonSubTypes.Type(value = RouterConfig.Kubernetes.class, name = "kubernetes")
})
public sealed interface RouterConfig extends Serializable {

    /**
     * HAProxy, driven through its runtime API; the backend is named after the environment and declares server slots
     * {@code blue1..N}, {@code green1..N}, {@code baseline1..M} (see scripts/haproxy).
     *
     * @param socket the runtime API (admin) socket's path
     */
    record Haproxy(String socket) implements RouterConfig {

        private static final long serialVersionUID = 1L;

        public Haproxy {
            socket = Text.required(socket, "socket", "give the path of HAProxy's runtime API socket"
                    + " (stats socket ... level admin)");
        }
    }

    /** A Service named after the environment whose selector switches between tracks. */
    record Kubernetes() implements RouterConfig {

        private static final long serialVersionUID = 1L;
    }
}
