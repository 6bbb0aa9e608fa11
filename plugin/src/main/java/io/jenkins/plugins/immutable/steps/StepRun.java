package io.jenkins.plugins.immutable.steps;

import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.JenkinsCredentials;
import io.jenkins.plugins.immutable.config.Wiring;

/**
 * What one step run works with on the controller: the run, its log, the configuration (with the step's arguments
 * applied), and the engine wired to the run's credentials, Jenkins' proxy and the log.
 */
record StepRun(Run<?, ?> run, TaskListener listener, DeliveryConfig config) {

    ProgressListener progress() {
        return Runs.progress(listener);
    }

    void log(String line) {
        listener.getLogger().println(line);
    }

    /** The engine on the controller, for this run. */
    Wiring.Builder wiring() {
        return Runs.wiring(config, JenkinsCredentials.forRun(run)).listener(progress());
    }
}
