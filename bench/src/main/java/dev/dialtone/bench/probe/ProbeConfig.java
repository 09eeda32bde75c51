package dev.dialtone.bench.probe;

import dev.dialtone.sip.transport.Transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One SIP server test: where, how and what to try each round.
 *
 * @param host        the server's domain name or IP literal
 * @param port        the server's port, or 0 to let RFC 3263 (SRV) or the transport default decide
 * @param transport   UDP, TCP or TLS
 * @param user        the user the requests are addressed to and come from ({@code sip:user@host})
 * @param authUser    the Digest user name, or null to send none (a challenge then fails the round)
 * @param password    the Digest password
 * @param register    also REGISTER each round
 * @param invite      also place an INVITE each round, cancelled once it rings or hung up once answered
 * @param rounds      how many rounds
 * @param interval    time between the starts of rounds
 * @param timeLimit   the longest each exchange may take (the seed's {@code sipTimeLimit})
 * @param targetTime  the seed's {@code sipTargetTime} in ms, reported in the test description
 * @param insecure    accept any TLS server certificate
 * @param nameServers DNS servers for the RFC 3263 lookup; empty for the system's
 */
public record ProbeConfig(String host, int port, Transport transport, String user, String authUser, String password,
                          boolean register, boolean invite, int rounds, Duration interval, Duration timeLimit,
                          long targetTime, boolean insecure, List<InetSocketAddress> nameServers) {

    public ProbeConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(user, "user");
        if (host.isEmpty() || user.isEmpty()) {
            throw new IllegalArgumentException("server host and user must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if ((authUser == null) != (password == null)) {
            throw new IllegalArgumentException("--auth-user and --password go together");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1");
        }
        if (interval.isNegative() || timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("interval must not be negative and the time limit must be positive");
        }
        nameServers = List.copyOf(nameServers);
    }

    /** The {@code server} of the test as the seed writes it: host, and port when one was given. */
    public String server() {
        return port > 0 ? hostForUri() + ":" + port : hostForUri();
    }

    String hostForUri() {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
