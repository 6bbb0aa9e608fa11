package io.jenkins.plugins.immutable.actions;

import hudson.model.Api;
import hudson.model.Run;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.RunAction2;

/**
 * What every run action of the plugin shares: the run it belongs to (not persisted), saving it, and its REST API
 * ({@code api/json}; each action is an {@code @ExportedBean}).
 */
public abstract class RunAttachedAction implements RunAction2 {

    private static final Logger LOGGER = Logger.getLogger(RunAttachedAction.class.getName());

    private transient Run<?, ?> run;

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    /** The run, for the pages' side panel and links. */
    public Run<?, ?> getRun() {
        return run;
    }

    /** The action's {@code api/json} and {@code api/xml}. */
    public Api getApi() {
        return new Api(this);
    }

    /** Saves the run with what this action now holds; a failure is logged, the build goes on. */
    void save() {
        if (run != null) {
            try {
                run.save();
            } catch (IOException e) {
                LOGGER.log(Level.WARNING, "cannot save " + run, e);
            }
        }
    }
}
