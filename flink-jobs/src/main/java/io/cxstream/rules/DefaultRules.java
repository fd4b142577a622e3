package io.cxstream.rules;

import io.cxstream.config.CxConfig;
import io.cxstream.config.CxOptions;
import io.cxstream.config.InvalidConfigException;
import io.cxstream.config.LoopOptions;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.util.TimeUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules a job starts with: the shipped {@value #RESOURCE} (today's five detectors), or the file
 * {@code rules.file} names. {@code ${key}} placeholders are filled from the job's settings (the
 * {@code detect.*} thresholds and {@code outreach.cooldown}); {@code detect.enabled} picks which of
 * the shipped rules run. Every rule is parsed and compiled here, so a bad one fails the start with a
 * message naming the setting.
 */
public final class DefaultRules {
    public static final String RESOURCE = "/rules/default-rules.json";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z.-]+)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DefaultRules() {}

    /** The start rules of a job, each as one rule's JSON, checked. */
    public static List<String> load(CxConfig config) {
        String key = config.rulesFile != null ? CxOptions.RULES_FILE.key() : CxOptions.DETECTORS.key();
        String text;
        try {
            text = config.rulesFile != null ? Files.readString(Path.of(config.rulesFile)) : shipped();
        } catch (IOException e) {
            throw new InvalidConfigException(key, "cannot read the rules: " + e.getMessage());
        }
        String resolved = resolve(text, settings(config), key);
        RuleParser parser = new RuleParser(limits(config), config.cooldown);
        Conditions conditions = new Conditions();
        List<String> result = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try {
            for (Rule rule : parser.parseFile(resolved)) {
                if (!ids.add(rule.id)) {
                    // RuleBook keeps one rule per id: a second one would silently replace the first
                    throw new RuleException("rule " + rule.id + ": \"id\" is used by more than one rule");
                }
                if (config.rulesFile == null && !enabled(rule, config)) {
                    continue;
                }
                CompiledRule.compile(rule, conditions);
                result.add(rule.json);
            }
        } catch (RuleException e) {
            throw new InvalidConfigException(key, e.getMessage());
        }
        if (result.size() > config.rulesMaxActive) {
            throw new InvalidConfigException(
                    CxOptions.RULES_MAX_ACTIVE.key(),
                    "the start rules are " + result.size() + ", more than " + config.rulesMaxActive);
        }
        return result;
    }

    /** The rule limits of the job's settings. */
    public static RuleLimits limits(CxConfig config) {
        return new RuleLimits(config.rulesMaxActive, config.rulesMaxWindow, config.rulesMaxMarks);
    }

    private static boolean enabled(Rule rule, CxConfig config) {
        return config.detectors.stream().anyMatch(t -> t.name().equals(rule.trigger));
    }

    /** The values placeholders may name. */
    static Map<String, String> settings(CxConfig c) {
        Map<String, String> s = new TreeMap<>();
        s.put(CxOptions.DETRACTOR_MAX_NPS.key(), Integer.toString(c.detractorMaxNps));
        s.put(CxOptions.PROMOTER_MIN_NPS.key(), Integer.toString(c.promoterMinNps));
        s.put(CxOptions.PAYMENT_FAILURES.key(), Integer.toString(c.paymentFailures));
        s.put(CxOptions.PAYMENT_WINDOW.key(), duration(c.paymentWindow));
        s.put(CxOptions.REPEAT_CONTACTS.key(), Integer.toString(c.repeatContacts));
        s.put(CxOptions.REPEAT_WINDOW.key(), duration(c.repeatWindow));
        s.put(CxOptions.ABANDON_WINDOW.key(), duration(c.abandonWindow));
        List<String> quoted = new ArrayList<>();
        for (String t : new java.util.TreeSet<>(c.abandonTouchpoints)) {
            quoted.add("'" + t.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("'", "\\'") + "'");
        }
        s.put(CxOptions.ABANDON_TOUCHPOINTS.key(), "[" + String.join(", ", quoted) + "]");
        s.put(CxOptions.COOLDOWN.key(), duration(c.cooldown));
        s.put(LoopOptions.RESOLVE_WITHIN.key(), duration(c.loop.resolveWithin));
        return s;
    }

    static String resolve(String text, Map<String, String> settings, String key) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = settings.get(m.group(1));
            if (value == null) {
                throw new InvalidConfigException(
                        key,
                        "the rules name an unknown setting ${" + m.group(1) + "} (known: "
                                + String.join(", ", settings.keySet()) + ")");
            }
            // inside a JSON string the value must be escaped as JSON
            m.appendReplacement(sb, Matcher.quoteReplacement(jsonEscape(value)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String jsonEscape(String value) {
        try {
            String quoted = JSON.writeValueAsString(value);
            return quoted.substring(1, quoted.length() - 1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String duration(Duration d) {
        return d.isZero() ? "0 ms" : TimeUtils.formatWithHighestUnit(d);
    }

    static String shipped() throws IOException {
        try (InputStream in = DefaultRules.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing from the job jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
