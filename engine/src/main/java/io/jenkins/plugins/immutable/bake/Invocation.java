package io.jenkins.plugins.immutable.bake;

import io.jenkins.plugins.immutable.EngineException;
import java.io.Serializable;
import java.util.UUID;

/**
 * Who runs a bake, for its provenance: the builder (a Jenkins run's URL, or the CLI), its version, the user or trigger
 * that started it, and an id for this one invocation.
 *
 * @param builderId      a URI naming the builder: the Jenkins run URL, or {@link Provenance#CLI_BUILDER_ID}
 * @param builderVersion this project's version, or null
 * @param invokedBy      the user or trigger, or null
 * @param invocationId   unique to this invocation (a Jenkins run id, a UUID)
 */
public record Invocation(String builderId, String builderVersion, String invokedBy, String invocationId)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public Invocation {
        if (builderId == null || builderId.isBlank()) {
            throw EngineException.badInput("a bake needs the builder's id (the Jenkins run URL, or '"
                    + Provenance.CLI_BUILDER_ID + "')");
        }
        if (invocationId == null || invocationId.isBlank()) {
            invocationId = UUID.randomUUID().toString();
        }
    }

    /** The command line, run by the local user, with a fresh invocation id. */
    public static Invocation cli(String version) {
        return new Invocation(Provenance.CLI_BUILDER_ID, version, System.getProperty("user.name"), null);
    }
}
