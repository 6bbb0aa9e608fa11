package io.jenkins.plugins.immutable.config;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Item;
import hudson.model.Descriptor;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.immutable.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import jenkins.model.Jenkins;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.kohsuke.stapler.StaplerRequest2;

/**
 * What the configuration's form code shares: checks that ask the engine's own records (so a rule is written once, in
 * the engine), credentials drop-downs, and binding of nested form sections through their descriptors.
 */
final class Forms {

    private static final Pattern WORDS = Pattern.compile("[\\s,\\[\\]]+");

    private Forms() {
    }

    /** Runs the engine's check of a value; its error message (which says what to write) becomes the form's. */
    /**
     * Who may use a form shared by the global page and the Snippet Generator (strategies): under a job, those who may
     * configure it; elsewhere, administrators.
     */
    static void checkConfigureOrAdminister(Item item) {
        if (item != null) {
            item.checkPermission(Item.CONFIGURE);
        } else {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        }
    }

    static FormValidation check(Runnable check) {
        try {
            check.run();
            return FormValidation.ok();
        } catch (EngineException | IllegalArgumentException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    /**
     * Lists as the configuration page writes them (one text field: "release, qa" or one per line) and as Pipeline
     * and Configuration as Code give them (a list): every element split into words, blanks dropped.
     */
    static List<String> words(List<String> values) {
        List<String> words = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                if (v != null) {
                    for (String w : WORDS.split(v)) {
                        if (!w.isEmpty()) {
                            words.add(w);
                        }
                    }
                }
            }
        }
        return words;
    }

    /**
     * Lists whose elements hold spaces (promotion windows such as "Mon-Fri 09:00-17:00"): the page's text area gives
     * one per line, Pipeline and Configuration as Code a list; every element split into lines, trimmed, blanks dropped.
     */
    static List<String> lines(List<String> values) {
        List<String> lines = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                if (v != null) {
                    v.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(lines::add);
                }
            }
        }
        return lines;
    }

    /** The words of a list as one line, for a text field. */
    static String line(List<?> values) {
        return values == null ? "" : String.join(", ", values.stream().map(String::valueOf).toList());
    }

    /** A trimmed value, null when blank. */
    static String optional(String value) {
        return Util.fixEmptyAndTrim(value);
    }

    /**
     * A credentials drop-down for the global configuration: only administrators see the choices (others see the
     * current value alone), filtered to the type the field needs.
     */
    static ListBoxModel credentials(Class<? extends StandardCredentials> type, String current) {
        StandardListBoxModel result = new StandardListBoxModel();
        Jenkins jenkins = Jenkins.get();
        if (!jenkins.hasPermission(Jenkins.ADMINISTER)) {
            return result.includeCurrentValue(current == null ? "" : current);
        }
        return result.includeEmptyValue()
                .includeMatchingAs(ACL.SYSTEM2, jenkins, type, List.of(), CredentialsMatchers.always())
                .includeCurrentValue(current == null ? "" : current);
    }

    /**
     * A fixed drop-down with the current value selected (the default when unset); only administrators get the
     * choices, as with every endpoint of the configuration page.
     */
    static ListBoxModel choices(List<String> values, String current, String fallback) {
        String selected = current == null || current.isBlank() ? fallback : current;
        ListBoxModel model = new ListBoxModel();
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            model.add(selected);
            return model;
        }
        for (String v : values) {
            model.add(new ListBoxModel.Option(v, v, v.equals(selected)));
        }
        return model;
    }

    /** Warns when no credentials of the type have the id (it may be created later, so this is not an error). */
    static FormValidation checkCredentials(Class<? extends StandardCredentials> type, String id, boolean required,
            String missing) {
        String value = optional(id);
        if (value == null) {
            return required ? FormValidation.error(missing) : FormValidation.ok();
        }
        if (CredentialsProvider.findCredentialByIdInItemGroup(value, type, Jenkins.get(), ACL.SYSTEM2,
                List.of()) == null) {
            return FormValidation.warning(Messages.Forms_CredentialsNotFound(value, type.getSimpleName()));
        }
        return FormValidation.ok();
    }

    /** A nested section of the form, made by its descriptor (so that its own form handling applies). */
    static <T extends Describable<T>> T bind(StaplerRequest2 req, Object json, Class<T> type)
            throws Descriptor.FormException {
        if (!(json instanceof JSONObject object) || object.isNullObject()) {
            return null;
        }
        Descriptor<?> descriptor = Jenkins.get().getDescriptorOrDie(type);
        return type.cast(descriptor.newInstance(req, object));
    }

    /** A repeated section of the form (absent, one object, or an array), each made by its descriptor. */
    static <T extends Describable<T>> List<T> bindList(StaplerRequest2 req, Object json, Class<T> type)
            throws Descriptor.FormException {
        List<T> list = new ArrayList<>();
        if (json instanceof JSONArray array) {
            for (Object o : array) {
                T t = bind(req, o, type);
                if (t != null) {
                    list.add(t);
                }
            }
        } else {
            T t = bind(req, json, type);
            if (t != null) {
                list.add(t);
            }
        }
        return list;
    }
}
