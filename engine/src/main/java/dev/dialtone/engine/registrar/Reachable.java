package dev.dialtone.engine.registrar;

import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.message.Uri;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Flow;
import dev.dialtone.sip.transport.Transport;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One live registration of an endpoint, as the engine needs it to send a request there.
 *
 * @param username  the endpoint's username
 * @param contact   the registered Contact URI, as registered (see {@link #requestUri()})
 * @param transport the transport the REGISTER came over
 * @param source    the address the REGISTER came from (the {@code received}/{@code rport} address); behind NAT this
 *                  is the router's public mapping, while {@code contact} names a private address
 * @param flowId    for TCP and TLS, the id of the connection the REGISTER came on (RFC 5626 flow), else null
 * @param expiresAt when the registration lapses
 * @param q         the Contact's q-value (0 to 1), null when none was given
 */
public record Reachable(String username, Uri contact, Transport transport, InetSocketAddress source, String flowId,
                        Instant expiresAt, BigDecimal q) {

    public Reachable {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(contact, "contact");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * The Request-URI of a request to this registration (RFC 3261 16.5): the Contact URI without its URI headers,
     * which are not allowed in a Request-URI (RFC 3261 19.1.1, table 1).
     */
    public Uri requestUri() {
        return contact instanceof SipUri sip && !sip.headers().isEmpty() ? sip.withoutHeaders() : contact;
    }

    /**
     * Where to send a request for this registration, given the transport layer's open flows by id (for example
     * {@code SipTransportLayer::flow}):
     * <ul>
     *   <li>UDP: the source address. A phone behind NAT is reachable only through the mapping its REGISTER
     *       opened (RFC 3581); the private address in its Contact is not routable.</li>
     *   <li>TCP/TLS with the registration's flow still open: that connection (RFC 5626 5.3), the only way through
     *       a NAT or firewall for a stream.</li>
     *   <li>TCP/TLS whose flow is gone: the source port was the phone's ephemeral port, so nothing listens
     *       there. Only when the Contact names the source IP itself (no NAT) is a new connection opened, to the
     *       Contact's port; otherwise the registration is unreachable (empty) until the phone registers again.</li>
     * </ul>
     */
    public Optional<Destination> destination(Function<String, Optional<Flow>> openFlows) {
        if (!transport.reliable()) {
            return Optional.of(Destination.of(transport, source));
        }
        if (flowId != null) {
            Optional<Flow> flow = openFlows.apply(flowId).filter(Flow::isOpen);
            if (flow.isPresent()) {
                return Optional.of(new Destination(transport, source, flow.get()));
            }
        }
        if (contact instanceof SipUri sip && sip.maddr() == null
                && Addresses.sameHost(sip.host(), source.getAddress())) {
            int port = sip.port() >= 0 ? sip.port() : transport.defaultPort();
            return Optional.of(Destination.of(transport, new InetSocketAddress(source.getAddress(), port)));
        }
        return Optional.empty();
    }
}
