package dev.granary.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.ratis.metrics.LongCounter;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.Timekeeper;
import org.apache.ratis.util.TimeDuration;

/**
 * Ratis's metric registries, kept cheap: counters count, timers and gauges record nothing. Loaded by Ratis through
 * {@link java.util.ServiceLoader} in place of its default registries (Dropwizard timers whose decaying reservoirs
 * are a sorted concurrent map): those timed every request a leader took and every entry it applied, an eighth of
 * a 4 KiB PUT's CPU at one replica (JFR). Nothing reads Ratis's metrics here; the cluster's own state is in the
 * admin API and {@code /metrics}, read from the groups' divisions.
 */
public final class RatisMetrics extends MetricRegistries {
    private static final Timekeeper.Context STOPPED = () -> 0L;
    private static final Timekeeper UNTIMED = () -> STOPPED;

    private final Map<MetricRegistryInfo, RatisMetricRegistry> registries = new ConcurrentHashMap<>();

    /** For {@link java.util.ServiceLoader}. */
    public RatisMetrics() {}

    @Override
    public void clear() {
        registries.clear();
    }

    @Override
    public RatisMetricRegistry create(MetricRegistryInfo info) {
        return registries.computeIfAbsent(info, Registry::new);
    }

    @Override
    public boolean remove(MetricRegistryInfo key) {
        return registries.remove(key) != null;
    }

    @Override
    public Optional<RatisMetricRegistry> get(MetricRegistryInfo info) {
        return Optional.ofNullable(registries.get(info));
    }

    @Override
    public Set<MetricRegistryInfo> getMetricRegistryInfos() {
        return Set.copyOf(registries.keySet());
    }

    @Override
    public List<RatisMetricRegistry> getMetricRegistries() {
        return List.copyOf(registries.values());
    }

    @Override
    public void addReporterRegistration(
            Consumer<RatisMetricRegistry> reporterRegistration, Consumer<RatisMetricRegistry> stopReporter) {
        // Nothing reports Ratis's metrics.
    }

    @Override
    public void enableJmxReporter() {
        // Nothing reports Ratis's metrics.
    }

    @Override
    public void enableConsoleReporter(TimeDuration consoleReportRate) {
        // Nothing reports Ratis's metrics.
    }

    private static final class Registry implements RatisMetricRegistry {
        private final MetricRegistryInfo info;
        private final Map<String, Counter> counters = new ConcurrentHashMap<>();

        Registry(MetricRegistryInfo info) {
            this.info = info;
        }

        @Override
        public Timekeeper timer(String name) {
            return UNTIMED;
        }

        @Override
        public LongCounter counter(String name) {
            return counters.computeIfAbsent(name, unused -> new Counter());
        }

        @Override
        public boolean remove(String name) {
            return counters.remove(name) != null;
        }

        @Override
        public <T> void gauge(String name, Supplier<Supplier<T>> gaugeSupplier) {
            // Not kept: nothing reads it.
        }

        @Override
        public MetricRegistryInfo getMetricRegistryInfo() {
            return info;
        }
    }

    private static final class Counter implements LongCounter {
        private final LongAdder count = new LongAdder();

        @Override
        public void inc(long n) {
            count.add(n);
        }

        @Override
        public void dec(long n) {
            count.add(-n);
        }

        @Override
        public long getCount() {
            return count.sum();
        }
    }
}
