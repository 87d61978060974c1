/** Start-up measurement: a data folder filled through the storage API, for {@code bench/startup.sh}. */
package dev.granary.bench.startup;
