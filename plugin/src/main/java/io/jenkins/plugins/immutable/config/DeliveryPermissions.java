package io.jenkins.plugins.immutable.config;

import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.model.Item;
import hudson.security.Permission;
import hudson.security.PermissionGroup;
import hudson.security.PermissionScope;
import jenkins.model.Jenkins;

/**
 * The plugin's permissions, per job (and so per folder and globally, as Jenkins' matrix grants them): freezing an
 * environment from the Environments page, and overriding a freeze or a promotion window in a promotion.
 */
public final class DeliveryPermissions {

    public static final PermissionGroup GROUP = new PermissionGroup(DeliveryPermissions.class,
            Messages._DeliveryPermissions_Group());

    /** Freeze and unfreeze environments from a job's Environments page. Implied by Configure of the job. */
    public static final Permission FREEZE = new Permission(GROUP, "Freeze", Messages._DeliveryPermissions_Freeze(),
            Item.CONFIGURE, PermissionScope.ITEM);

    /**
     * Promote into a frozen environment or outside its promotion windows ({@code overrideFreeze}). Implied only by
     * Administer: an override is for the few who decide during an incident.
     */
    public static final Permission OVERRIDE_FREEZE = new Permission(GROUP, "OverrideFreeze",
            Messages._DeliveryPermissions_OverrideFreeze(), Jenkins.ADMINISTER, PermissionScope.ITEM);

    private DeliveryPermissions() {
    }

    /**
     * Loads this class while Jenkins starts, so the permissions are registered before anything lists them (the
     * authorization matrix) or expands what a grant implies.
     */
    @Initializer(before = InitMilestone.SYSTEM_CONFIG_LOADED)
    public static void register() {
        LOGGER.fine(() -> "permissions registered: " + FREEZE.getId() + ", " + OVERRIDE_FREEZE.getId());
    }

    private static final java.util.logging.Logger LOGGER =
            java.util.logging.Logger.getLogger(DeliveryPermissions.class.getName());
}
