package io.cxstream.rules;

/**
 * A record of the rules topic ({@code cx.rules}, compacted, keyed by rule id): the rule's JSON, or
 * null for a tombstone that deletes the rule. A Flink POJO.
 */
public class RuleRecord {
    public String key;
    /** The rule JSON; null = delete the rule named by {@link #key}. */
    public String value;
    /** The record's Kafka timestamp: when the rule was published (epoch millis). */
    public long timestamp;

    public RuleRecord() {}

    public RuleRecord(String key, String value, long timestamp) {
        this.key = key;
        this.value = value;
        this.timestamp = timestamp;
    }

    @Override
    public String toString() {
        return "RuleRecord{" + key + (value == null ? ", tombstone" : "") + ", t=" + timestamp + "}";
    }
}
