package dev.granary.storage;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The free space a store keeps on its disk: writes that would leave less are refused, so that deletes (which write
 * too: a delete marker, a tombstone in the WAL) and the database's own flushes and compactions still find room once
 * clients have filled the rest. A number of bytes, a share of the filesystem, or the larger of both.
 *
 * @param bytes a fixed reserve, 0 or more
 * @param percent a share of the filesystem's size, from 0 up to (not including) 100
 */
public record DiskReserve(long bytes, double percent) {
    /**
     * 1 GiB, or 1% of the filesystem when that is more: room for deletes and for what RocksDB takes on its own (per
     * partition, a memtable flushed into SST and blob files and the next WAL it preallocates: about 34 MiB each, 270
     * MiB for 8 partitions at worst), with margin for what other processes write between two looks at the free space.
     */
    public static final DiskReserve DEFAULT = new DiskReserve(1L << 30, 1);
    /** No reserve: writes go on until the disk is full (the database itself then refuses them). */
    public static final DiskReserve NONE = new DiskReserve(0, 0);

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%");

    /** Checks the values, naming the one that is wrong. */
    public DiskReserve {
        if (bytes < 0) {
            throw new IllegalArgumentException("a disk reserve cannot be negative, got " + bytes + " bytes");
        }
        if (!(percent >= 0 && percent < 100)) {
            throw new IllegalArgumentException("a disk reserve must be 0% to less than 100%, got " + percent + "%");
        }
    }

    /** The reserve on a filesystem of {@code totalBytes}. */
    public long of(long totalBytes) {
        return Math.max(bytes, (long) (totalBytes * (percent / 100)));
    }

    /**
     * Parses a size ({@code 1073741824}, {@code 512MiB}, {@code 2GB}, {@code 1G}) or a share of the disk ({@code 5%}).
     * Units: {@code KiB MiB GiB TiB} and the single letters {@code K M G T} count in 1024s, {@code KB MB GB TB} in
     * 1000s, {@code B} or none is bytes; case does not matter.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static DiskReserve parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher percent = PERCENT.matcher(value);
        if (percent.matches()) {
            double share = Double.parseDouble(percent.group(1));
            if (share >= 100) {
                throw new IllegalArgumentException("must be a share of the disk below 100%, got '" + text + "'");
            }
            return new DiskReserve(0, share);
        }
        Matcher size = SIZE.matcher(value);
        if (size.matches()) {
            long unit = unit(size.group(2));
            double bytes = Double.parseDouble(size.group(1)) * unit;
            if (unit > 0 && bytes < Long.MAX_VALUE) {
                return new DiskReserve((long) bytes, 0);
            }
        }
        throw new IllegalArgumentException("must be a size (512MiB, 2GB, 1073741824) or a share of the disk (5%), got '"
                + (text == null ? "" : text) + "'");
    }

    /** Bytes per unit, 0 for an unknown unit. */
    private static long unit(String unit) {
        return switch (unit) {
            case "", "b" -> 1;
            case "k", "kib" -> 1L << 10;
            case "m", "mib" -> 1L << 20;
            case "g", "gib" -> 1L << 30;
            case "t", "tib" -> 1L << 40;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            case "tb" -> 1_000_000_000_000L;
            default -> 0;
        };
    }

    /** A byte count as people read it: {@code 0 B}, {@code 980 KiB}, {@code 1.5 GiB}. */
    public static String describe(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.1f", value);
        return (number.endsWith(".0") ? number.substring(0, number.length() - 2) : number) + " " + units[unit];
    }

    /** As configured: {@code 512 MiB}, {@code 5% of the disk}, {@code 1 GiB or 1% of the disk, whichever is larger}. */
    @Override
    public String toString() {
        String share = (percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent))
                + "% of the disk";
        if (percent == 0) {
            return bytes == 0 ? "none" : describe(bytes);
        }
        return bytes == 0 ? share : describe(bytes) + " or " + share + ", whichever is larger";
    }
}
