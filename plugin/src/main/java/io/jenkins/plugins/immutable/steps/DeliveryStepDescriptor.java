package io.jenkins.plugins.immutable.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Item;
import hudson.util.FormValidation;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.ImageReference;
import java.util.List;
import java.util.Map;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;

/** What the steps' forms (Snippet Generator) share: list fields as lines, image checks, permission checks. */
public abstract class DeliveryStepDescriptor extends StepDescriptor {

    /** A list argument as the form's text area shows it: one entry per line. */
    public String lines(Object value) {
        return value instanceof List<?> l ? String.join("\n", l.stream().map(String::valueOf).toList()) : "";
    }

    /** The image a step works on, as its label in graph views; steps about an environment say more. */
    @Override
    public String argumentsToString(@NonNull Map<String, Object> namedArgs) {
        Object image = namedArgs.get("image");
        return image instanceof String s ? s : null;
    }

    /** Form checks may be asked by anyone who may configure the job the snippet is for. */
    static void checkConfigure(Item item) {
        if (item != null) {
            item.checkPermission(Item.CONFIGURE);
        } else {
            Jenkins.get().checkPermission(Jenkins.READ);
        }
    }

    /** An image reference as the engine reads it; Groovy expressions ({@code ${...}}) are left to the run. */
    static FormValidation checkImage(String value, boolean pinned) {
        if (value == null || value.isBlank()) {
            return FormValidation.error(Messages.DeliveryStepDescriptor_ImageRequired());
        }
        if (value.contains("${")) {
            return FormValidation.ok();
        }
        try {
            ImageReference ref = ImageReference.parse(value.strip());
            if (pinned && !ref.isPinned()) {
                return FormValidation.error(Messages.DeliveryStepDescriptor_NotPinned());
            }
            return FormValidation.ok();
        } catch (EngineException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    /** A drop-down's "none" choice arrives without a class: it means the argument is not given. */
    static JSONObject withoutEmptyChoice(JSONObject form, String key) {
        JSONObject choice = form.optJSONObject(key);
        if (choice != null && !choice.has("$class") && !choice.has("stapler-class")) {
            JSONObject copy = JSONObject.fromObject(form);
            copy.remove(key);
            return copy;
        }
        return form;
    }
}
