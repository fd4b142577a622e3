package io.cxstream.rules;

/**
 * What became of a published rule (topic {@code cx.rules.status}, JSON, keyed by rule id):
 * {@code ACCEPTED}, {@code DISABLED}, {@code DELETED}, {@code UNCHANGED} (the same version again) or
 * {@code REJECTED} with the reason. On rejection the previous version keeps running. A Flink POJO.
 */
public class RuleStatus {
    public static final String ACCEPTED = "ACCEPTED";
    public static final String DISABLED = "DISABLED";
    public static final String DELETED = "DELETED";
    public static final String UNCHANGED = "UNCHANGED";
    public static final String REJECTED = "REJECTED";

    public String ruleId;
    /** The version the record carried; 0 if it could not be read. */
    public int version;

    public String status;
    /** Why it was rejected; null otherwise. */
    public String reason;
    /** Event time from which the version applies (epoch millis); null if rejected. */
    public Long effectiveFrom;
    /** The rule record's Kafka timestamp. */
    public long publishedAt;
    /** Rules enabled after this record. */
    public int activeRules;

    public RuleStatus() {}

    static RuleStatus of(
            String ruleId,
            int version,
            String status,
            String reason,
            Long effectiveFrom,
            long publishedAt,
            int active) {
        RuleStatus s = new RuleStatus();
        s.ruleId = ruleId;
        s.version = version;
        s.status = status;
        s.reason = reason;
        s.effectiveFrom = effectiveFrom;
        s.publishedAt = publishedAt;
        s.activeRules = active;
        return s;
    }

    @Override
    public String toString() {
        return "RuleStatus{" + ruleId + " v" + version + " " + status + (reason == null ? "" : ": " + reason) + "}";
    }
}
