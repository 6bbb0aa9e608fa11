package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.EngineException;

/**
 * A bad value of one configuration field: BAD_INPUT that also knows which field (relative to the record that threw
 * it), so that the YAML reader can point at the field's line rather than at the end of its block.
 */
final class FieldException extends EngineException {

    private static final long serialVersionUID = 1L;

    private final String field;

    FieldException(String field, String message) {
        super(Kind.BAD_INPUT, message);
        this.field = field;
    }

    /** The field's path below the record being read: {@code failOn}, {@code environments[1].gates.signedBy}. */
    String field() {
        return field;
    }
}
