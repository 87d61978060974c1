/**
 * JMH benchmarks of Granary's hot paths. Each class measures one path and carries its baseline as a value of a
 * {@code @Param} beside it, so one run prints both and the ratio is the overhead Granary adds. Defaults are short
 * (1 fork, 2 x 1 s warm-up, 3 x 2 s measured) so the whole suite runs in a few minutes; pass JMH's own flags
 * ({@code -wi -i -r -f}) for longer runs. Build with {@code mvn -B -q -pl bench -am package -DskipTests
 * -DskipITs}, then run {@code java -jar bench/target/benchmarks.jar} (all) or name a class, e.g.
 * {@code java -jar bench/target/benchmarks.jar SigV4Benchmark}.
 */
package dev.granary.bench.jmh;
