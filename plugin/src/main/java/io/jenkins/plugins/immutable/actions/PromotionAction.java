package io.jenkins.plugins.immutable.actions;

import hudson.model.Run;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.promote.GateResult;
import io.jenkins.plugins.immutable.promote.PromotionResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** The promotions and rollbacks of a run: into which environment, from which digest to which, through which gates. */
@ExportedBean
public final class PromotionAction extends RunAttachedAction {

    private final List<Record> records = new CopyOnWriteArrayList<>();

    public static synchronized PromotionAction of(Run<?, ?> run) {
        PromotionAction a = run.getAction(PromotionAction.class);
        if (a == null) {
            a = new PromotionAction();
            run.addAction(a);
        }
        return a;
    }

    @Override
    public String getIconFileName() {
        return "symbol-arrow-up";
    }

    @Override
    public String getDisplayName() {
        return Messages.PromotionAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "immutable-promotions";
    }

    @Exported(inline = true)
    public List<Record> getRecords() {
        return List.copyOf(records);
    }

    /** Records how a promotion or rollback ended. */
    public void add(Action action, String strategy, PromotionResult result) throws IOException {
        records.add(new Record(action.name(), result.environment(), result.status().name(),
                result.image() == null ? null : result.image().toString(),
                result.previous() == null ? null : result.previous().toString(), strategy,
                result.gates().stream().map(GateResult::toString).toList(), result.message(),
                result.entry() == null ? null : result.entry().sequence(),
                result.deployment() == null ? null : result.deployment().id(), System.currentTimeMillis()));
        save();
    }

    /** One promotion or rollback. */
    @ExportedBean(defaultVisibility = 2)
    public static final class Record {

        private final String action;
        private final String environment;
        private final String status;
        private final String image;
        private final String previous;
        private final String strategy;
        private final List<String> gates;
        private final String message;
        private final Integer ledgerEntry;
        private final String deployment;
        private final long time;

        Record(String action, String environment, String status, String image, String previous, String strategy,
                List<String> gates, String message, Integer ledgerEntry, String deployment, long time) {
            this.action = action;
            this.environment = environment;
            this.status = status;
            this.image = image;
            this.previous = previous;
            this.strategy = strategy;
            this.gates = new ArrayList<>(gates); // XStream cannot read the JDK's immutable lists back
            this.message = message;
            this.ledgerEntry = ledgerEntry;
            this.deployment = deployment;
            this.time = time;
        }

        /** PROMOTE or ROLLBACK. */
        @Exported
        public String getAction() {
            return action;
        }

        @Exported
        public String getEnvironment() {
            return environment;
        }

        /** PROMOTED, ROLLED_BACK, ALREADY_LIVE or FAILED. */
        @Exported
        public String getStatus() {
            return status;
        }

        public boolean isSucceeded() {
            return !"FAILED".equals(status);
        }

        /** The digest in the environment's repository: {@code repo@sha256:...}. */
        @Exported
        public String getImage() {
            return image;
        }

        /** The digest live before. */
        @Exported
        public String getPrevious() {
            return previous;
        }

        @Exported
        public String getStrategy() {
            return strategy;
        }

        /** What each gate found, one line each. */
        @Exported
        public List<String> getGates() {
            return gates == null ? List.of() : gates;
        }

        @Exported
        public String getMessage() {
            return message;
        }

        @Exported
        public Integer getLedgerEntry() {
            return ledgerEntry;
        }

        @Exported
        public String getDeployment() {
            return deployment;
        }

        @Exported
        public long getTime() {
            return time;
        }

        public Date getDate() {
            return new Date(time);
        }
    }
}
