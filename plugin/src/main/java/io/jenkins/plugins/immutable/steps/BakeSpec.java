package io.jenkins.plugins.immutable.steps;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code bakeImage} was asked, checked, in plain serializable values for the agent. */
record BakeSpec(String image, String context, String dockerfile, Map<String, String> buildArgs, String target,
        String platform, boolean pull, boolean noCache, Map<String, String> labels, boolean allowLatest,
        List<String> layers, String from, List<String> entrypoint, List<String> cmd, Map<String, String> env,
        String workdir, String user, List<String> expose, String sourceRepository, String sourceCommit,
        String version) implements Serializable {

    private static final long serialVersionUID = 1L;

    BakeSpec {
        buildArgs = new LinkedHashMap<>(buildArgs);
        labels = new LinkedHashMap<>(labels);
        env = new LinkedHashMap<>(env);
    }
}
