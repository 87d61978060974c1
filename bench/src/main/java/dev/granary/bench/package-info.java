/** JMH benchmarks of hot paths (skeleton; the performance issue adds the full suite and the load driver). */
package dev.granary.bench;
