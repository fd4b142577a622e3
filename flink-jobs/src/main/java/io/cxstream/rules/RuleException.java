package io.cxstream.rules;

/** A rule that cannot run: the message names the rule and the field, and says what is wrong. */
public class RuleException extends Exception {
    private static final long serialVersionUID = 1L;

    public RuleException(String message) {
        super(message);
    }
}
