package io.cxstream.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;

import java.io.Serializable;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of the job: the shipped defaults, overlaid by what the rules topic published. Rules
 * from the topic live in broadcast state ({@link #RULES}: rule id → its versions as JSON, each with
 * its effectiveFrom), which every parallel instance holds identically and which is part of every
 * checkpoint and savepoint. {@link #apply} validates a published record and, if it passes, stores it;
 * a rejected record changes nothing. {@link #ruleSet} compiles what is stored (once per version).
 */
public final class RuleBook implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Rule id → JSON array of its versions (rule JSON strings, effectiveFrom filled in), oldest first. */
    public static final MapStateDescriptor<String, String> RULES =
            new MapStateDescriptor<>("rules", Types.STRING, Types.STRING);

    /** Versions kept per rule id, for events stamped before the newest version's effectiveFrom. */
    static final int VERSIONS_KEPT = 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> defaultRules;
    private final RuleLimits limits;
    private final Duration defaultCooldown;

    private transient RuleParser parser;
    /**
     * Reads what was accepted before (stored versions, defaults) without the window limit again: after a
     * restore with a smaller rules.max-window, a stored rule keeps running instead of failing the job on
     * every event (and a tombstone can still delete it). New records are checked with {@link #parser}.
     */
    private transient RuleParser acceptedParser;

    private transient Conditions conditions;
    private transient Map<String, CompiledRule> compiled;
    private transient Map<String, List<String>> defaults;

    /** @param defaultRules the shipped rules, each one rule's JSON (see {@link DefaultRules}) */
    public RuleBook(List<String> defaultRules, RuleLimits limits, Duration defaultCooldown) {
        this.defaultRules = List.copyOf(defaultRules);
        this.limits = limits;
        this.defaultCooldown = defaultCooldown;
    }

    /** Compiles the defaults; a bad default fails here (the job validates them at start too). */
    public void open() {
        parser = new RuleParser(limits, defaultCooldown);
        acceptedParser = new RuleParser(
                new RuleLimits(limits.maxActive, ChronoUnit.FOREVER.getDuration(), limits.maxMarks), defaultCooldown);
        conditions = new Conditions();
        compiled = new HashMap<>();
        defaults = new LinkedHashMap<>();
        for (String json : defaultRules) {
            try {
                Rule rule = parser.parse(json);
                compile(rule);
                defaults.put(rule.id, List.of(rule.json));
            } catch (RuleException e) {
                throw new IllegalStateException("Default rule rejected: " + e.getMessage(), e);
            }
        }
    }

    /** The compiled rules: the defaults, with every id the topic published replaced by its stored versions. */
    public RuleSet ruleSet(ReadOnlyBroadcastState<String, String> state) throws Exception {
        Map<String, List<String>> all = overlaid(state);
        Map<String, List<CompiledRule>> versions = new HashMap<>();
        for (Map.Entry<String, List<String>> e : all.entrySet()) {
            List<CompiledRule> list = new ArrayList<>();
            for (String json : e.getValue()) {
                list.add(compile(acceptedParser.parse(json)));
            }
            versions.put(e.getKey(), list);
        }
        return new RuleSet(versions);
    }

    /**
     * The accepted rules without compiling them: per rule id its stored versions (oldest effectiveFrom first,
     * disabled and deleted ones included), the defaults overlaid by what the topic published. For operators
     * that read a part of the rules (the outreach lifecycle reads {@code loop}).
     */
    public Map<String, List<Rule>> versions(ReadOnlyBroadcastState<String, String> state) throws Exception {
        Map<String, List<String>> all = overlaid(state);
        Map<String, List<Rule>> rules = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : all.entrySet()) {
            List<Rule> list = new ArrayList<>();
            for (String json : e.getValue()) {
                list.add(acceptedParser.parse(json));
            }
            rules.put(e.getKey(), list);
        }
        return rules;
    }

    /** Rule id → its versions' JSON: the defaults, with every id the topic published replaced by its stored versions. */
    private Map<String, List<String>> overlaid(ReadOnlyBroadcastState<String, String> state) throws Exception {
        Map<String, List<String>> all = new LinkedHashMap<>(defaults);
        if (state != null) {
            for (Map.Entry<String, String> e : state.immutableEntries()) {
                all.put(e.getKey(), readVersions(e.getValue()));
            }
        }
        return all;
    }

    /** Validates one record of the rules topic and stores it if it passes; never throws on a bad rule. */
    public RuleStatus apply(RuleRecord record, BroadcastState<String, String> state) throws Exception {
        String key = record.key;
        List<String> stored =
                key == null ? null : state.contains(key) ? readVersions(state.get(key)) : defaults.get(key);
        Rule latest = stored == null || stored.isEmpty() ? null : acceptedParser.parse(stored.get(stored.size() - 1));
        if (record.value == null) {
            if (latest == null) {
                return reject(key, 0, "no rule with id " + key + " to delete", record, state);
            }
            ObjectNode deleted = (ObjectNode) JSON.readTree(latest.json);
            deleted.put("enabled", false);
            deleted.put("effectiveFrom", record.timestamp);
            store(key, stored, deleted.toString(), state);
            return RuleStatus.of(
                    key, latest.version, RuleStatus.DELETED, null, record.timestamp, record.timestamp, active(state));
        }
        Rule rule;
        try {
            rule = parser.parse(record.value);
            if (!rule.id.equals(key)) {
                throw new RuleException("rule " + rule.id + ": the record key "
                        + (key == null ? "is missing" : "\"" + key + "\"") + "; it must be the rule id");
            }
            if (rule.effectiveFrom == Rule.ALWAYS) {
                ObjectNode withTime = (ObjectNode) JSON.readTree(rule.json);
                withTime.put("effectiveFrom", record.timestamp);
                rule = parser.parse(withTime.toString());
            }
            compile(rule);
        } catch (RuleException e) {
            return reject(key, versionOf(record.value), e.getMessage(), record, state);
        }
        if (latest != null && rule.version < latest.version) {
            return reject(
                    key,
                    rule.version,
                    "version " + rule.version + " is older than the running version " + latest.version,
                    record,
                    state);
        }
        if (latest != null && rule.version == latest.version) {
            if (rule.sameAs(latest) || sameApartFromItsStart(record.value, latest.json)) {
                return RuleStatus.of(
                        key,
                        rule.version,
                        RuleStatus.UNCHANGED,
                        null,
                        rule.effectiveFrom,
                        record.timestamp,
                        active(state));
            }
            return reject(
                    key,
                    rule.version,
                    "version " + rule.version + " is running with other content: publish a higher version",
                    record,
                    state);
        }
        boolean wasActive = latest != null && latest.enabled;
        if (rule.enabled && !wasActive && active(state) >= limits.maxActive) {
            return reject(
                    key,
                    rule.version,
                    "too many rules: " + limits.maxActive + " are enabled (rules.max-active)",
                    record,
                    state);
        }
        store(key, stored, rule.json, state);
        return RuleStatus.of(
                key,
                rule.version,
                rule.enabled ? RuleStatus.ACCEPTED : RuleStatus.DISABLED,
                null,
                rule.effectiveFrom,
                record.timestamp,
                active(state));
    }

    /** Rule ids whose newest version is enabled. */
    public int active(ReadOnlyBroadcastState<String, String> state) throws Exception {
        int n = 0;
        for (Map.Entry<String, List<String>> e : defaults.entrySet()) {
            if (!state.contains(e.getKey()) && newestEnabled(e.getValue())) {
                n++;
            }
        }
        for (Map.Entry<String, String> e : state.immutableEntries()) {
            if (newestEnabled(readVersions(e.getValue()))) {
                n++;
            }
        }
        return n;
    }

    private boolean newestEnabled(List<String> versions) throws RuleException {
        return !versions.isEmpty() && acceptedParser.parse(versions.get(versions.size() - 1)).enabled;
    }

    private RuleStatus reject(
            String key, int version, String reason, RuleRecord record, ReadOnlyBroadcastState<String, String> state)
            throws Exception {
        return RuleStatus.of(key, version, RuleStatus.REJECTED, reason, null, record.timestamp, active(state));
    }

    /**
     * The same rule published again later without an {@code effectiveFrom} of its own: it would take
     * the later record's time, but it changes nothing, so the running version keeps its start.
     */
    private static boolean sameApartFromItsStart(String published, String stored) throws JsonProcessingException {
        ObjectNode again = (ObjectNode) JSON.readTree(published);
        if (again.has("effectiveFrom")) {
            return false;
        }
        ObjectNode running = (ObjectNode) JSON.readTree(stored);
        running.remove("effectiveFrom");
        return again.equals(running);
    }

    private static void store(String key, List<String> stored, String json, BroadcastState<String, String> state)
            throws Exception {
        List<String> versions = new ArrayList<>(stored == null ? List.of() : stored);
        versions.add(json);
        while (versions.size() > VERSIONS_KEPT) {
            versions.remove(0);
        }
        state.put(key, JSON.writeValueAsString(versions));
    }

    private static List<String> readVersions(String value) throws JsonProcessingException {
        return List.of(JSON.readValue(value, String[].class));
    }

    private CompiledRule compile(Rule rule) throws RuleException {
        String cacheKey = rule.json;
        CompiledRule c = compiled.get(cacheKey);
        if (c == null) {
            c = CompiledRule.compile(rule, conditions);
            compiled.put(cacheKey, c);
        }
        return c;
    }

    private static int versionOf(String json) {
        try {
            return JSON.readTree(json).path("version").asInt(0);
        } catch (JsonProcessingException e) {
            return 0;
        }
    }
}
