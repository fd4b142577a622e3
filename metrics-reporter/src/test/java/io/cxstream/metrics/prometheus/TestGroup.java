package io.cxstream.metrics.prometheus;

import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MetricGroup;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A metric group as Flink's operator groups present themselves to a reporter: scope variables in angle brackets
 * and a logical scope where each user key/value group adds its key (Flink's own groups are in flink-runtime,
 * which a plugin does not see). {@link #addGroup(String, String)} behaves as Flink's key/value groups do.
 */
final class TestGroup implements MetricGroup, LogicalScopeProvider {
    private final Map<String, String> variables;
    private final String logicalScope;

    private TestGroup(Map<String, String> variables, String logicalScope) {
        this.variables = variables;
        this.logicalScope = logicalScope;
    }

    /** An operator's group with Flink's usual variables, ids included (which must not become labels). */
    static TestGroup operator(String job, String operator, int subtask) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("<host>", "localhost");
        v.put("<tm_id>", "tm-" + subtask);
        v.put("<job_id>", "0123456789abcdef");
        v.put("<job_name>", job);
        v.put("<task_id>", "cafe");
        v.put("<task_name>", "task of " + operator);
        v.put("<task_attempt_id>", "beef" + subtask);
        v.put("<task_attempt_num>", "0");
        v.put("<subtask_index>", Integer.toString(subtask));
        v.put("<operator_id>", "f00d");
        v.put("<operator_name>", operator);
        return new TestGroup(v, "taskmanager.job.task.operator");
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
        Map<String, String> v = new LinkedHashMap<>(variables);
        v.put("<" + key + ">", value);
        return new TestGroup(v, logicalScope + "." + key);
    }

    @Override
    public MetricGroup addGroup(String name) {
        return new TestGroup(variables, logicalScope + "." + name);
    }

    @Override
    public Map<String, String> getAllVariables() {
        return variables;
    }

    @Override
    public String getLogicalScope(CharacterFilter filter) {
        return getLogicalScope(filter, '.');
    }

    @Override
    public String getLogicalScope(CharacterFilter filter, char delimiter) {
        return filter.filterCharacters(logicalScope.replace('.', delimiter));
    }

    @Override
    public MetricGroup getWrappedMetricGroup() {
        return this;
    }

    @Override
    public Counter counter(String name) {
        throw new UnsupportedOperationException("register through the reporter");
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        throw new UnsupportedOperationException("register through the reporter");
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        throw new UnsupportedOperationException("register through the reporter");
    }

    @Override
    public <H extends Histogram> H histogram(String name, H histogram) {
        throw new UnsupportedOperationException("register through the reporter");
    }

    @Override
    public <M extends Meter> M meter(String name, M meter) {
        throw new UnsupportedOperationException("register through the reporter");
    }

    @Override
    public String[] getScopeComponents() {
        return logicalScope.split("\\.");
    }

    @Override
    public String getMetricIdentifier(String metricName) {
        return logicalScope + "." + metricName;
    }

    @Override
    public String getMetricIdentifier(String metricName, CharacterFilter filter) {
        return filter.filterCharacters(getMetricIdentifier(metricName));
    }
}
