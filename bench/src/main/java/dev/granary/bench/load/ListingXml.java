package dev.granary.bench.load;

/** Reads the one figure the LIST workload checks from a ListObjectsV2 document, without an XML parser. */
final class ListingXml {
    private static final byte[] KEY_TAG = {'<', 'K', 'e', 'y', '>'};

    private ListingXml() {}

    /** The number of {@code <Key>} elements. */
    static int countKeys(byte[] xml) {
        int count = 0;
        outer:
        for (int i = 0; i + KEY_TAG.length <= xml.length; i++) {
            for (int j = 0; j < KEY_TAG.length; j++) {
                if (xml[i + j] != KEY_TAG[j]) {
                    continue outer;
                }
            }
            count++;
        }
        return count;
    }
}
