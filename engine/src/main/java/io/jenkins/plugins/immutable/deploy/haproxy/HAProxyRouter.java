package io.jenkins.plugins.immutable.deploy.haproxy;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.Instance;
import io.jenkins.plugins.immutable.deploy.Routing;
import io.jenkins.plugins.immutable.deploy.Track;
import io.jenkins.plugins.immutable.deploy.TrafficRouter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * HAProxy in front of a Docker host. Each environment is a backend named after it, with pre-declared server slots per
 * track ({@code server-template blue 1-8 127.0.0.1:1 disabled check}, likewise {@code green} and {@code baseline}):
 * instance {@code n} of a track is server {@code <track><n>}. Routing changes the slots' address, weight and state
 * through the runtime API ({@code set server}), so HAProxy is never reloaded and no connection is dropped.
 */
public final class HAProxyRouter implements TrafficRouter {

    private static final java.util.logging.Logger LOGGER = java.util.logging.Logger.getLogger(HAProxyRouter.class
            .getName());

    /** HAProxy's largest server weight. */
    static final int MAX_WEIGHT = 256;

    private final HAProxyRuntime runtime;

    public HAProxyRouter(HAProxyRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public String describe() {
        return "HAProxy at " + runtime.socket();
    }

    @Override
    public boolean splitsByWeight() {
        return true;
    }

    @Override
    public String serverName(Instance instance) {
        if (instance.track() == null || instance.slot() < 1) {
            throw EngineException.badInput(instance.name() + " has no track and slot, so it has no HAProxy server;"
                    + " it was not started by the engine");
        }
        return instance.track().label() + instance.slot();
    }

    @Override
    public void route(String environment, List<Instance> instances, Map<Track, Integer> weights,
                      ProgressListener listener) {
        Map<String, Map<String, String>> servers = servers(environment);
        Map<Track, Long> counts = instances.stream().collect(Collectors.groupingBy(Instance::track,
                () -> new EnumMap<>(Track.class), Collectors.counting()));
        double maxShare = 0;
        for (Map.Entry<Track, Long> e : counts.entrySet()) {
            maxShare = Math.max(maxShare, weights.getOrDefault(e.getKey(), 0) / (double) e.getValue());
        }
        List<String> up = new ArrayList<>();
        List<String> down = new ArrayList<>();
        Map<String, Instance> routed = new LinkedHashMap<>();
        for (Instance instance : instances) {
            String name = serverName(instance);
            Map<String, String> server = servers.get(name);
            if (server == null) {
                throw EngineException.badInput("HAProxy backend " + environment + " has no server slot " + name
                        + " for " + instance.name() + "; declare more slots, e.g. `server-template "
                        + instance.track().label() + " 1-" + Math.max(8, instance.slot()) + " 127.0.0.1:1 disabled"
                        + " check` (slots in use: " + servers.keySet() + ")");
            }
            String[] hostPort = instance.address().split(":");
            String target = environment + "/" + name;
            List<String> commands = instance.address().equals(server.get("srv_addr") + ":" + server.get("srv_port"))
                    ? new ArrayList<>() : new ArrayList<>(List.of("set server " + target + " addr " + hostPort[0]
                    + " port " + hostPort[1]));
            int share = weights.getOrDefault(instance.track(), 0);
            if (share > 0) {
                long weight = Math.max(1, Math.round(MAX_WEIGHT * (share / (double) counts.get(instance.track()))
                        / maxShare));
                commands.add("set server " + target + " weight " + weight);
                commands.add("set server " + target + " state ready");
                up.addAll(commands);
            } else {
                commands.add("set server " + target + " state drain");
                down.addAll(commands);
            }
            routed.put(name, instance);
        }
        for (Map.Entry<String, Map<String, String>> e : servers.entrySet()) {
            if (!routed.containsKey(e.getKey()) && !isMaint(e.getValue())) {
                down.add("set server " + environment + "/" + e.getKey() + " state drain");
            }
        }
        // Switch on before switching off: there is never a moment without a server for new requests.
        up.forEach(runtime::change);
        down.forEach(runtime::change);
        // The deployment says where traffic went in people's words (canary, stable, baseline); the colours the
        // backend's server slots are named after go to the log, for whoever reads HAProxy's own state.
        LOGGER.fine(() -> "HAProxy " + environment + ": " + weights.entrySet().stream()
                .filter(e -> counts.containsKey(e.getKey()))
                .map(e -> e.getKey().label() + " " + e.getValue() + "%").collect(Collectors.joining(", ")));
    }

    @Override
    public void drain(String environment, List<Instance> instances, Duration timeout, ProgressListener listener) {
        Map<String, Map<String, String>> servers = servers(environment);
        List<String> names = new ArrayList<>();
        for (Instance instance : instances) {
            if (instance.track() == null || instance.slot() < 1) {
                continue;
            }
            String name = serverName(instance);
            Map<String, String> server = servers.get(name);
            // A slot that meanwhile points elsewhere serves another instance: leave it alone.
            if (server != null && instance.address() != null
                    && instance.address().equals(server.get("srv_addr") + ":" + server.get("srv_port"))
                    && !isMaint(server)) {
                runtime.change("set server " + environment + "/" + name + " state drain");
                names.add(name);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!names.isEmpty()) {
            Map<String, Integer> open = sessions(environment);
            List<String> busy = names.stream().filter(n -> open.getOrDefault(n, 0) > 0).toList();
            if (busy.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                listener.line("HAProxy " + environment + ": " + busy + " still have open requests after " + timeout
                        + "; stopping them anyway");
                break;
            }
            sleep(20);
        }
        for (String name : names) {
            runtime.change("set server " + environment + "/" + name + " state maint");
        }
    }

    @Override
    public Routing current(String environment) {
        Map<String, Map<String, String>> servers = servers(environment);
        List<Routing.Server> list = new ArrayList<>();
        Map<Track, Integer> byTrack = new EnumMap<>(Track.class);
        int total = 0;
        for (Map<String, String> row : runtime.stat()) {
            if (!environment.equals(row.get("pxname")) || !servers.containsKey(row.get("svname"))) {
                continue;
            }
            String name = row.get("svname");
            String status = row.getOrDefault("status", "");
            int weight = status.startsWith("UP") || status.startsWith("no check")
                    ? parseInt(row.get("weight")) : 0;
            Track track = trackOf(name);
            Map<String, String> state = servers.get(name);
            int admin = parseInt(state.get("srv_admin_state"));
            boolean routed = !isMaint(state) && (admin & 0x18) == 0 && parseInt(state.get("srv_uweight")) > 0;
            list.add(new Routing.Server(name, track, state.get("srv_addr") + ":" + state.get("srv_port"), weight,
                    status, parseInt(row.get("scur")), routed));
            if (track != null && weight > 0) {
                byTrack.merge(track, weight, Integer::sum);
                total += weight;
            }
        }
        Map<Track, Integer> percent = new EnumMap<>(Track.class);
        for (Map.Entry<Track, Integer> e : byTrack.entrySet()) {
            percent.put(e.getKey(), (int) Math.round(100.0 * e.getValue() / total));
        }
        return new Routing(percent, list);
    }

    private Map<String, Map<String, String>> servers(String environment) {
        Map<String, Map<String, String>> byName = new LinkedHashMap<>();
        for (Map<String, String> row : runtime.serversState(environment)) {
            byName.put(row.get("srv_name"), row);
        }
        return byName;
    }

    private Map<String, Integer> sessions(String environment) {
        Map<String, Integer> open = new HashMap<>();
        for (Map<String, String> row : runtime.stat()) {
            if (environment.equals(row.get("pxname"))) {
                open.put(row.get("svname"), parseInt(row.get("scur")) + parseInt(row.get("qcur")));
            }
        }
        return open;
    }

    private static boolean isMaint(Map<String, String> serverState) {
        // srv_admin_state maintenance bits: 0x01 forced, 0x02 inherited, 0x20 resolution, 0x80 hostname. The bit of
        // a slot declared `disabled` (0x04) stays set after `state ready`, so it alone does not mean maintenance.
        return (parseInt(serverState.get("srv_admin_state")) & 0xA3) != 0;
    }

    static Track trackOf(String serverName) {
        String letters = serverName.replaceAll("[0-9]+$", "").toLowerCase(Locale.ROOT);
        for (Track track : Track.values()) {
            if (track.label().equals(letters)) {
                return track;
            }
        }
        return null;
    }

    private static int parseInt(String text) {
        try {
            return text == null || text.isEmpty() ? 0 : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Kind.OUTAGE, "interrupted while draining", e);
        }
    }
}
