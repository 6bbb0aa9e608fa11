package io.jenkins.plugins.immutable.deploy.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.PlainHttp;
import java.time.Duration;

/** Docker engine clients for the deployment targets, over the Apache HttpClient 5 transport (as Jenkins ships it). */
public final class DockerClients {

    private DockerClients() {
    }

    /**
     * A client of the engine at {@code dockerHost}: {@code unix:///path/docker.sock} or {@code tcp://host:2375}.
     */
    public static DockerClient connect(String dockerHost) {
        if (dockerHost == null || !(dockerHost.startsWith("unix://") || dockerHost.startsWith("tcp://"))) {
            throw EngineException.badInput("Docker host '" + dockerHost + "' must be unix:///path/to/docker.sock or"
                    + " tcp://host:port");
        }
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost).build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                // TLS only with the engine's certificates (DOCKER_TLS_VERIFY); else none, rather than the JVM's
                // default context, whose trust store would be loaded for a socket that never speaks TLS
                .sslConfig(config.getSSLConfig() != null ? config.getSSLConfig() : PlainHttp::noTls)
                .maxConnections(32)
                .connectionTimeout(Duration.ofSeconds(10))
                .responseTimeout(Duration.ofMinutes(10))
                .build();
        return DockerClientImpl.getInstance(config, http);
    }
}
