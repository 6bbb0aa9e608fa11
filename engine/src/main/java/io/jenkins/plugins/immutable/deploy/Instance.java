package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.image.Digest;
import java.util.Objects;

/**
 * One running copy of an image on a target, as observed there (not as recorded): a container, a Swarm task or a
 * Kubernetes pod.
 *
 * @param id          the target's identifier (container id, task id, pod name)
 * @param name        the name a person sees on the target ({@code docker ps}, {@code kubectl get pods})
 * @param environment the environment it belongs to
 * @param track       its track, from the engine's labels; {@code null} when the instance carries none
 * @param slot        its slot within the track (1-based; a router server slot for the Docker host), 0 when the
 *                    target has none
 * @param digest      the manifest digest of the image it actually runs, {@code null} when the target cannot tell
 * @param recorded    the digest the engine labelled it with when it started it, {@code null} when unlabelled
 * @param address     {@code host:port} it serves on, {@code null} when it has none (yet)
 * @param status      whether it runs
 * @param managed     whether the engine started it (it carries the engine's labels); an unmanaged instance with an
 *                    environment's name was made by hand
 */
public record Instance(String id, String name, String environment, Track track, int slot, Digest digest,
                       Digest recorded, String address, Status status, boolean managed) {

    /** Whether an instance runs; health is probed separately. */
    public enum Status {
        /** Created or being scheduled, not running yet. */
        STARTING,
        RUNNING,
        /** Exited, failed or being removed. */
        STOPPED
    }

    public Instance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(status, "status");
    }

    public boolean isRunning() {
        return status == Status.RUNNING;
    }

    /** Whether it runs {@code expected}, judged by what it actually runs. */
    public boolean runs(Digest expected) {
        return expected.equals(digest);
    }

    @Override
    public String toString() {
        return name + (address == null ? "" : " (" + address + ")");
    }
}
