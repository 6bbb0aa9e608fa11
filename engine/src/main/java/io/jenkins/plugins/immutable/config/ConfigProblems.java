package io.jenkins.plugins.immutable.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns what the YAML library reports into what a person fixing {@code immutable.yaml} needs: the position, the
 * field, what was found, and what to write instead. Nothing of the library's own wording (Java types, tokens,
 * coercion settings) survives, since none of it can be acted on.
 */
final class ConfigProblems {

    private static final Pattern FOUND = Pattern.compile("(Array|Object|String|Integer|Floating-point|Boolean)"
            + " value(?: \\('([^']*)'\\)| \\(\"([^\"]*)\"\\))?");
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

    private ConfigProblems() {
    }

    /** A syntax error of the YAML text itself, at the scanner's position, with a hint for the usual slips. */
    static Optional<String> syntax(Throwable e, String source) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException y) {
                Mark mark = y.getProblemMark() != null ? y.getProblemMark() : y.getContextMark();
                String problem = y.getProblem() == null ? "" : y.getProblem().replace("\t", "\\t");
                String context = y.getContext();
                StringBuilder b = new StringBuilder(source);
                if (mark != null) {
                    b.append(':').append(mark.getLine() + 1).append(':').append(mark.getColumn() + 1);
                }
                b.append(": this is not valid YAML: ").append(problem);
                if (context != null && !context.isBlank()) {
                    b.append(" (").append(context).append(y.getContextMark() != null && mark != y.getContextMark()
                            ? " that starts at line " + (y.getContextMark().getLine() + 1) : "").append(')');
                }
                b.append(hint(problem, context));
                return Optional.of(b.toString());
            }
        }
        return Optional.empty();
    }

    private static String hint(String problem, String context) {
        String all = (problem + " " + context).toLowerCase(Locale.ROOT);
        if (all.contains("\\t") || all.contains("tab")) {
            return "; indent with spaces, not tabs";
        }
        if (all.contains("flow sequence")) {
            return "; a list written [a, b] must end with ] on the same entry, e.g. steps: [25, 50]";
        }
        if (all.contains("flow mapping")) {
            return "; a mapping written { a: 1 } must end with }";
        }
        if (all.contains("mapping values are not allowed")) {
            return "; a value that contains ': ' must be quoted, or a key is indented under a value";
        }
        return "; check the indentation and the brackets around this position";
    }

    /** A key given twice in one mapping, at its second occurrence; empty when that is not the problem. */
    static Optional<Duplicate> duplicate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (!(t instanceof JsonProcessingException j)) {
                continue;
            }
            Matcher m = DUPLICATE.matcher(String.valueOf(j.getOriginalMessage()));
            if (m.find()) {
                String path = j.getProcessor() instanceof JsonParser p ? path(p.getParsingContext()) : m.group(1);
                return Optional.of(new Duplicate(m.group(1), path.isEmpty() ? m.group(1) : path,
                        j.getLocation() == null ? -1 : j.getLocation().getLineNr()));
            }
        }
        return Optional.empty();
    }

    /** A key given twice: the key, its path, and the line of its second occurrence. */
    record Duplicate(String key, String path, int line) {
        String message() {
            return path + ": '" + key + "' is given twice in the same block; keep one (YAML would not merge them: the"
                    + " second would silently replace the first)";
        }
    }

    private static String path(JsonStreamContext context) {
        List<String> segments = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                segments.add("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                segments.add(c.getCurrentName());
            }
        }
        Collections.reverse(segments);
        StringBuilder b = new StringBuilder();
        for (String segment : segments) {
            if (!segment.startsWith("[") && b.length() > 0) {
                b.append('.');
            }
            b.append(segment);
        }
        return b.toString();
    }

    /**
     * A value of the wrong kind ({@code replicas: two}, a list where a number goes), or null when the exception is
     * not about that.
     *
     * @param field the field's path, for the example of what to write
     */
    static String wrongKind(MismatchedInputException e, String field) {
        Class<?> type = e.getTargetType();
        if (type == null) {
            return null;
        }
        String found = found(e);
        String name = field.isEmpty() ? "" : field.substring(field.lastIndexOf('.') + 1).replaceAll("\\[\\d+]$", "");
        if ("''".equals(found) && !type.isPrimitive() && type.getPackage() == ConfigProblems.class.getPackage()) {
            return "this entry is empty; write its settings after the '-' (indented under it), or remove the line";
        }
        if (field.isEmpty() && type == DeliveryConfig.class) {
            return "the file must be a mapping of sections at its top level (registries:, signing:, scan:,"
                    + " retention:, environments:, analysisTemplates:), not " + found + "; see docs/configuration.md";
        }
        if (isWhole(type)) {
            return found + " is not a whole number; write a number such as " + name + ": 2";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return found + " is not a number; write one such as " + name + ": 0.98";
        }
        if (type == Boolean.class || type == boolean.class) {
            return found + " is not true or false; write " + name + ": true or " + name + ": false";
        }
        if (type == LocalDate.class) {
            return found + " is not a date; write it as YYYY-MM-DD, e.g. " + name + ": 2027-01-31";
        }
        if (type == String.class) {
            return found + " is not text; write a single value, e.g. " + name + ": value (quote it if it has ': ')";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return found + " where a list goes; write one '- item' per line under " + name + ":, or [a, b]";
        }
        if (Map.class.isAssignableFrom(type)) {
            return found + " where a mapping goes; write 'name: value' lines indented under " + name + ":";
        }
        JsonSubTypes kinds = type.getAnnotation(JsonSubTypes.class);
        if (kinds != null) {
            List<String> names = Arrays.stream(kinds.value()).map(JsonSubTypes.Type::name).toList();
            return found + " where one of " + orList(names) + " goes; write exactly one of them with its settings,"
                    + " e.g. " + name + ": { " + names.get(0) + ": { ... } }";
        }
        return found + " where a block of settings goes; write 'name: value' lines indented under " + name + ":";
    }

    private static boolean isWhole(Class<?> type) {
        return type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class;
    }

    private static String found(MismatchedInputException e) {
        if (e instanceof InvalidFormatException f && f.getValue() != null) {
            return "'" + Shown.of(String.valueOf(f.getValue())) + "'";
        }
        Matcher m = FOUND.matcher(String.valueOf(e.getOriginalMessage()));
        if (m.find()) {
            String value = m.group(2) != null ? m.group(2) : m.group(3);
            return switch (m.group(1)) {
                case "Array" -> "a list";
                case "Object" -> "a mapping";
                default -> value == null ? "a " + m.group(1).toLowerCase(Locale.ROOT) + " value"
                        : "'" + Shown.of(value) + "'";
            };
        }
        return "this value";
    }

    private static String orList(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** Text quoted from the file, kept short and on one line. */
    private static final class Shown {
        static String of(String text) {
            String oneLine = text.replaceAll("\\p{Cntrl}", "?");
            return oneLine.length() > 60 ? oneLine.substring(0, 57) + "..." : oneLine;
        }
    }
}
