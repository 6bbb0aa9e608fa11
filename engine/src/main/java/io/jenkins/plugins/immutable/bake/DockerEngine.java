package io.jenkins.plugins.immutable.bake;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.jenkins.plugins.immutable.EngineException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where a Docker engine listens and how to talk to it, as the Docker CLI reads it from {@code DOCKER_HOST},
 * {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH} and {@code DOCKER_API_VERSION}: a unix socket, or tcp with TLS
 * (client certificate {@code cert.pem}/{@code key.pem}, authority {@code ca.pem}).
 *
 * @param host       {@code unix:///var/run/docker.sock} or {@code tcp://host:2376}
 * @param tlsVerify  whether to speak TLS, verifying the engine's certificate against {@code ca.pem}
 * @param certPath   the directory holding {@code ca.pem}, {@code cert.pem} and {@code key.pem}; null without TLS
 * @param apiVersion the API version to speak (e.g. {@code 1.41}), or null for the engine's own
 */
public record DockerEngine(URI host, boolean tlsVerify, Path certPath, String apiVersion) {

    /** The default engine address on Linux. */
    public static final URI DEFAULT_HOST = URI.create("unix:///var/run/docker.sock");

    public DockerEngine {
        Objects.requireNonNull(host, "host");
        String scheme = host.getScheme() == null ? "" : host.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("unix") && !scheme.equals("tcp") && !scheme.equals("npipe")) {
            throw EngineException.badInput("'" + host + "' is not a Docker engine address; use unix:///path/to/docker.sock"
                    + " or tcp://host:port (with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH for TLS)");
        }
        if (tlsVerify) {
            if (!scheme.equals("tcp")) {
                throw EngineException.badInput("TLS is set (DOCKER_TLS_VERIFY) but the Docker engine address " + host
                        + " is not tcp://; unset DOCKER_TLS_VERIFY or use tcp://host:2376");
            }
            Objects.requireNonNull(certPath, "certPath");
            for (String file : new String[] {"ca.pem", "cert.pem", "key.pem"}) {
                if (!Files.isRegularFile(certPath.resolve(file))) {
                    throw EngineException.badInput("TLS to the Docker engine needs " + certPath.resolve(file)
                            + "; set DOCKER_CERT_PATH to the directory holding ca.pem, cert.pem and key.pem");
                }
            }
        }
        if (apiVersion != null && apiVersion.isBlank()) {
            apiVersion = null;
        }
    }

    /** The engine at a unix socket or plain tcp address, speaking its own API version. */
    public static DockerEngine at(String host) {
        return new DockerEngine(URI.create(host), false, null, null);
    }

    /**
     * The engine the Docker CLI would use with these environment variables: {@code DOCKER_HOST} (default the local
     * socket), TLS when {@code DOCKER_TLS_VERIFY} is set to anything but empty or {@code 0}, certificates from
     * {@code DOCKER_CERT_PATH} (default {@code ~/.docker}), {@code DOCKER_API_VERSION}.
     */
    public static DockerEngine fromEnvironment(Map<String, String> environment) {
        String host = environment.getOrDefault("DOCKER_HOST", "");
        String verify = environment.getOrDefault("DOCKER_TLS_VERIFY", "");
        boolean tls = !verify.isEmpty() && !verify.equals("0") && !verify.equalsIgnoreCase("false");
        String certPath = environment.getOrDefault("DOCKER_CERT_PATH", "");
        Path certs = null;
        if (tls) {
            certs = certPath.isEmpty() ? Path.of(System.getProperty("user.home"), ".docker") : Path.of(certPath);
        }
        return new DockerEngine(host.isEmpty() ? DEFAULT_HOST : URI.create(host), tls, certs,
                environment.get("DOCKER_API_VERSION"));
    }

    /** Opens a client; the caller closes it. */
    DockerClient connect() {
        DefaultDockerClientConfig.Builder config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.toString())
                .withDockerTlsVerify(tlsVerify);
        if (tlsVerify) {
            config.withDockerCertPath(certPath.toString());
        }
        if (apiVersion != null) {
            config.withApiVersion(apiVersion);
        }
        DefaultDockerClientConfig built = config.build();
        ApacheDockerHttpClient http;
        try {
            http = new ApacheDockerHttpClient.Builder()
                    .dockerHost(built.getDockerHost())
                    .sslConfig(built.getSSLConfig())
                    .maxConnections(16)
                    .connectionTimeout(Duration.ofSeconds(30))
                    .build();
        } catch (RuntimeException e) {
            if (tlsVerify) {
                throw EngineException.badInput("cannot use the TLS files in " + certPath + " for the Docker engine at "
                        + host + ": " + rootMessage(e) + "; DOCKER_CERT_PATH must hold ca.pem, cert.pem and an unencrypted"
                        + " key.pem in PEM form (as `docker context` or `docker-machine env` write them)");
            }
            throw e;
        }
        return DockerClientImpl.getInstance(built, http);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public String toString() {
        return host + (tlsVerify ? " (TLS)" : "");
    }
}
