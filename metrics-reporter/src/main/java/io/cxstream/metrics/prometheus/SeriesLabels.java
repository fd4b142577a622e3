package io.cxstream.metrics.prometheus;

import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.MetricGroup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The labels of one series: a few of Flink's scope variables that tell the series of one metric apart
 * ({@value #JOB_NAME}, {@value #OPERATOR_NAME}, {@value #SUBTASK_INDEX}, each when the group has it), then the
 * keys of the user's key/value groups ({@code group.addGroup("reason", "consent")} gives {@code reason="consent"}),
 * in registration order.
 *
 * <p>User keys are told from Flink's own variables by the group's logical scope: a key/value group adds its key
 * both as a variable {@code <key>} and as a component of the logical scope, while Flink's variables (job id, task
 * attempt, host, ...) never appear in it. Nothing else of Flink's scope becomes a label: ids that change with every
 * restart or attempt would make new series each time, and the scrape target already names the pod.
 */
record SeriesLabels(List<String> names, List<String> values) {
    static final String JOB_NAME = "job_name";
    static final String OPERATOR_NAME = "operator_name";
    static final String SUBTASK_INDEX = "subtask_index";
    private static final List<String> FLINK_LABELS = List.of(JOB_NAME, OPERATOR_NAME, SUBTASK_INDEX);

    SeriesLabels {
        names = List.copyOf(names);
        values = List.copyOf(values);
    }

    static SeriesLabels of(MetricGroup group) {
        Map<String, String> variables = group.getAllVariables();
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (String flink : FLINK_LABELS) {
            String value = variables.get("<" + flink + ">");
            if (value != null) {
                names.add(flink);
                values.add(value);
            }
        }
        for (String key : userKeys(group, variables)) {
            String name = labelName(key);
            if (names.contains(name)) {
                continue; // a user key may not shadow one of the labels above, nor repeat
            }
            names.add(name);
            values.add(variables.get("<" + key + ">"));
        }
        return new SeriesLabels(names, values);
    }

    /** The keys of the user's key/value groups, outermost first. */
    static List<String> userKeys(MetricGroup group, Map<String, String> variables) {
        String scope;
        try {
            scope = LogicalScopeProvider.castFrom(group).getLogicalScope(s -> s, '.');
        } catch (IllegalStateException notFlinks) {
            return Collections.emptyList();
        }
        List<String> keys = new ArrayList<>();
        for (String component : scope.split("\\.")) {
            if (variables.containsKey("<" + component + ">") && !keys.contains(component)) {
                keys.add(component);
            }
        }
        return keys;
    }

    /** A valid Prometheus label name: [a-zA-Z_][a-zA-Z0-9_]*, never starting with the reserved "__". */
    static String labelName(String key) {
        String name = key.replaceAll("[^a-zA-Z0-9_]", "_");
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            name = "_" + name;
        }
        return name.startsWith("__") ? "x" + name : name;
    }

    SeriesLabels with(String name, String value) {
        List<String> n = new ArrayList<>(names);
        List<String> v = new ArrayList<>(values);
        n.add(name);
        v.add(value);
        return new SeriesLabels(n, v);
    }
}
