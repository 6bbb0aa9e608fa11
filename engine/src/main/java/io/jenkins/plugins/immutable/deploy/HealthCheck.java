package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * How an instance proves it is ready for traffic: an HTTP GET of {@code path} on its address answering 2xx, within
 * {@code timeout} from its start. Targets also pass it to the orchestrator (Swarm's health check, Kubernetes' readiness
 * probe) so that the orchestrator's own updates wait for the same signal.
 *
 * @param path     the path probed, starting with {@code /}
 * @param timeout  how long a new instance has to become healthy before the deployment gives up on it
 * @param interval the time between probes
 */
public record HealthCheck(String path, Duration timeout, Duration interval) {

    public static final HealthCheck DEFAULT = new HealthCheck("/", Duration.ofSeconds(30), Duration.ofMillis(200));

    /** Made on the first probe: a command that only looks at instances (drift, status) never needs a client. */
    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
    }

    public HealthCheck {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(interval, "interval");
        if (!path.startsWith("/")) {
            throw EngineException.badInput("health check path '" + path + "' must start with '/', e.g. /healthz");
        }
        if (timeout.isNegative() || timeout.isZero() || interval.isNegative() || interval.isZero()) {
            throw EngineException.badInput("health check timeout and interval must be positive (got " + timeout
                    + " and " + interval + ")");
        }
    }

    public HealthCheck withTimeout(Duration newTimeout) {
        return new HealthCheck(path, newTimeout, interval);
    }

    /**
     * One probe of {@code address} ({@code host:port}).
     *
     * @return {@code null} when healthy, else why not (for messages)
     */
    public String probe(String address) {
        if (address == null) {
            return "it has no address yet";
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + path))
                .timeout(Duration.ofSeconds(2)).GET().build();
        try {
            HttpResponse<Void> response = Http.CLIENT.send(request, HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2 ? null
                    : "GET " + path + " answered " + response.statusCode();
        } catch (IOException e) {
            return "GET " + path + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
