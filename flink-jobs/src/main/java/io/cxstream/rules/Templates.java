package io.cxstream.rules;

import io.cxstream.avro.RuleMark;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reason and recommended-action texts with {@code {placeholder}}s filled from a match. Plain
 * substitution from a fixed set of names, never evaluated: a template cannot run anything.
 *
 * <p>Placeholders: {@code {count}} evidence events, {@code {span}} time from first to last evidence,
 * {@code {window}} the rule's window, {@code {touchpoint}}, {@code {channel}}, {@code {type}},
 * {@code {metric}}, {@code {score}} of the last evidence, {@code {first.touchpoint}} of the first,
 * {@code {channels}} the distinct channels of the evidence, {@code {trigger}}, {@code {segment}} and
 * {@code {stage}} of the journey.
 */
public final class Templates {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z.]+)}");
    static final Set<String> NAMES = Set.of(
            "count",
            "span",
            "window",
            "touchpoint",
            "channel",
            "type",
            "metric",
            "score",
            "first.touchpoint",
            "channels",
            "trigger",
            "segment",
            "stage");

    private Templates() {}

    /** Fails on a placeholder this class does not know. */
    static void check(String template, String where) throws RuleException {
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!NAMES.contains(m.group(1))) {
                throw new RuleException(where + " has an unknown placeholder {" + m.group(1) + "} (known: "
                        + String.join(", ", new java.util.TreeSet<>(NAMES)) + ")");
            }
        }
    }

    /** The template filled from the evidence (oldest first); {@code last} carries the journey snapshot. */
    static String render(String template, CompiledRule rule, List<RuleMark> evidence) {
        if (template.indexOf('{') < 0) {
            return template;
        }
        RuleMark first = evidence.get(0);
        RuleMark last = evidence.get(evidence.size() - 1);
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder(template.length() + 32);
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(value(m.group(1), rule, evidence, first, last)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String value(
            String name, CompiledRule rule, List<RuleMark> evidence, RuleMark first, RuleMark last) {
        switch (name) {
            case "count":
                return Integer.toString(evidence.size());
            case "span":
                return duration(last.getEventTime() - first.getEventTime());
            case "window":
                return duration(rule.rule.pattern.within.toMillis());
            case "touchpoint":
                return String.valueOf(last.getTouchpoint());
            case "first.touchpoint":
                return String.valueOf(first.getTouchpoint());
            case "channel":
                return String.valueOf(last.getChannel());
            case "type":
                return String.valueOf(last.getType());
            case "metric":
                return String.valueOf(last.getMetric());
            case "score":
                return Integer.toString(last.getScore());
            case "channels": {
                Set<String> channels = new LinkedHashSet<>();
                for (RuleMark e : evidence) {
                    channels.add(String.valueOf(e.getChannel()));
                }
                return String.join(", ", channels);
            }
            case "trigger":
                return rule.rule.trigger;
            case "segment":
                return last.getSnapshot() == null ? "" : last.getSnapshot().getSegment();
            case "stage":
                return last.getSnapshot() == null
                        ? ""
                        : last.getSnapshot().getStage().name();
            default:
                return "{" + name + "}";
        }
    }

    /** "38 s" under two minutes, else "12 min". */
    static String duration(long millis) {
        long seconds = Math.max(0, millis / 1000);
        return seconds < 120 ? seconds + " s" : (seconds / 60) + " min";
    }
}
