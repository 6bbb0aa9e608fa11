package io.jenkins.plugins.immutable.rescan;

import hudson.Extension;
import hudson.model.AdministrativeMonitor;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * Tells administrators when the last re-scan found a live digest that fails its scan policy today (a vulnerability
 * published after it was promoted): which environments, and what to do.
 */
@Extension
public final class AtRiskMonitor extends AdministrativeMonitor {

    @Override
    public String getDisplayName() {
        return Messages.AtRiskMonitor_DisplayName();
    }

    @Override
    public boolean isActivated() {
        RescanReport r = RescanTask.get().getLastReport();
        return r != null && r.atRisk();
    }

    @Override
    public boolean isSecurity() {
        return true;
    }

    /** One line per environment at risk: its live digest and why. */
    public List<String> getEnvironments() {
        RescanReport r = RescanTask.get().getLastReport();
        return r == null ? List.of() : r.atRiskEnvironments().stream().map(EnvironmentRisk::message).toList();
    }

    @Override
    public void checkRequiredPermission() {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
    }
}
