package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.EngineException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local stack's addresses, as {@code eval "$(scripts/stack env)"} exports them: what the demo runs on.
 *
 * @param frontends HAProxy's frontend per environment ({@code prod -> 127.0.0.1:5112})
 */
record DemoStack(String registry, String dockerHost, String haproxySocket, Map<String, String> frontends,
        String prometheus) {

    static DemoStack fromEnvironment(Map<String, String> env) {
        Map<String, String> frontends = new LinkedHashMap<>();
        for (String pair : require(env, "IMMUTABLE_HAPROXY_FRONTENDS").split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                frontends.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        for (String environment : Demo.ROUTED) {
            if (!frontends.containsKey(environment)) {
                throw EngineException.badInput("the stack's HAProxy has no frontend for " + environment + " (it has "
                        + frontends.keySet() + "); bring the stack up with scripts/stack up");
            }
        }
        return new DemoStack(require(env, "IMMUTABLE_REGISTRY"), require(env, "DOCKER_HOST"),
                require(env, "IMMUTABLE_HAPROXY_SOCKET"), Map.copyOf(frontends), require(env, "IMMUTABLE_PROMETHEUS"));
    }

    private static String require(Map<String, String> env, String variable) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            throw EngineException.badInput(variable + " is not set: the demo runs on the local stack. Run scripts/demo"
                    + " (it brings the stack up first), or `scripts/stack up && eval \"$(scripts/stack env)\"` and then"
                    + " `bin/immutable demo`");
        }
        return value.strip();
    }
}
