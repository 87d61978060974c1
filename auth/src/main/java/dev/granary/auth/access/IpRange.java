package dev.granary.auth.access;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 CIDR block, for {@code IpAddress} conditions on {@code aws:SourceIp}. Only address literals
 * are accepted: nothing here ever resolves a host name.
 *
 * @param address the network address bytes (4 or 16)
 * @param prefix the prefix length
 */
@SuppressWarnings("ArrayRecordComponent") // matched against addresses, never compared or hashed
record IpRange(byte[] address, int prefix) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    /**
     * Parses "a.b.c.d/n", "x:y::z/n" or a bare address (a /32 or /128).
     *
     * @return the range, or null when the text is not one
     */
    static IpRange parse(String cidr) {
        String text = cidr.strip();
        int slash = text.indexOf('/');
        byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
        if (address == null) {
            return null;
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (prefix < 0 || prefix > bits) {
                return null;
            }
        }
        return new IpRange(address, prefix);
    }

    /** The bytes of an IPv4 or IPv6 literal, or null. */
    static byte[] literal(String text) {
        if (IPV4.matcher(text).matches()) {
            // Built by hand: an out-of-range octet must not make InetAddress fall back to a name lookup.
            String[] octets = text.split("\\.", -1);
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(octets[i]);
                if (octet > 255) {
                    return null;
                }
                bytes[i] = (byte) octet;
            }
            return bytes;
        }
        if (text.indexOf(':') < 0 || !IPV6.matcher(text).matches()) {
            return null;
        }
        try {
            // Safe: text with ':' is parsed as an IPv6 literal and never resolved as a name.
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether an address literal falls in this range; addresses of the other family never do. */
    boolean contains(String ip) {
        byte[] other = literal(ip.strip());
        if (other == null || other.length != address.length) {
            return false;
        }
        int bits = address.length * 8;
        BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        BigInteger mask = all.shiftRight(prefix).not().and(all);
        return new BigInteger(1, address).and(mask).equals(new BigInteger(1, other).and(mask));
    }

    /** Whether the block is small enough for AWS to call it non-public: /8 or longer for IPv4, /32 for IPv6. */
    boolean isNarrow() {
        return address.length == 4 ? prefix >= 8 : prefix >= 32;
    }
}
