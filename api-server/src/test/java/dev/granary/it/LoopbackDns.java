package dev.granary.it;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.DnsResolver;

/** Resolves every host name to 127.0.0.1, so virtual-hosted-style names (bucket.localhost) reach the test server. */
final class LoopbackDns implements DnsResolver {
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
    }

    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }
}
