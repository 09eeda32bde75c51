package dev.dialtone.sip.transport;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections by peer (transport and remote address) and by flow id. Connections the peer opened are listed
 * too, so a request to an address that connected to us goes back over that connection (RFC 3261 18.2.2 for
 * responses; RFC 5626 for requests to a registered flow). With several open connections to one peer the newest is
 * used; when it closes, another one takes its place.
 */
final class ConnectionTable {

    record Key(Transport transport, InetSocketAddress address) {
    }

    private final ConcurrentHashMap<Key, Connection> byPeer = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Connection> byId = new ConcurrentHashMap<>();

    void add(Connection c) {
        byId.put(c.id(), c);
        byPeer.put(c.key, c);
    }

    void remove(Connection c) {
        if (byId.remove(c.id(), c)) {
            byPeer.computeIfPresent(c.key, (k, current) -> current == c ? another(k) : current);
        }
    }

    private Connection another(Key key) {
        for (Connection other : byId.values()) {
            if (other.key.equals(key) && other.isOpen()) {
                return other;
            }
        }
        return null;
    }

    Connection get(Key key) {
        return byPeer.get(key);
    }

    Connection byId(String id) {
        return byId.get(id);
    }

    int size() {
        return byId.size();
    }

    int peers() {
        return byPeer.size();
    }

    Collection<Connection> all() {
        return List.copyOf(byId.values());
    }
}
