package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transport.Destination;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactions of one shard and one closing-timer duration that have nothing left to do but deal with
 * retransmissions. Client side: an INVITE's after its 2xx (RFC 6026 7.2, Timer M: every further 2xx still goes to
 * the transaction user, which ACKs it again) and a non-INVITE's after its final response (RFC 3261 17.1.2.2,
 * Timer K: everything is absorbed). Server side: a non-INVITE's after its final response (17.2.2, Timer J: a
 * retransmitted request gets that response again) and an INVITE's after its 2xx or its ACK (RFC 6026 7.1 Timer
 * L, 17.2.1 Timer I: retransmissions absorbed). On a loaded stack nearly every call leaves several for up to
 * 64*T1, long enough to outlive several young collections; kept as transaction objects (transaction, timers,
 * machine, map node, the last response as a parsed message) they were most of what a collector had to copy.
 * Here one costs its key, and a server one the bytes of its final response, in a few arrays.
 *
 * <p>A {@link FifoLane}, with an open-addressed index (linear probing, backward-shift deletion) to find an entry
 * by key. A lane holds client or server entries, never both: their keys are built differently.
 */
final class Retired extends FifoLane {
    private static final Logger log = LoggerFactory.getLogger(Retired.class);

    private String[] keys = new String[capacity()];
    // Client: the ClientTransaction.Listener still owed each retransmitted 2xx (Timer M). Server: the final
    // response's bytes (Timer J). Null where everything is absorbed.
    private Object[] payloads = new Object[capacity()];
    private Destination[] destinations = new Destination[capacity()]; // where a server one's response goes
    // Each key's mixed hash: expiring an entry and shifting its neighbours back reads these in sequence rather
    // than each key's String, which after 64*T1 is far out of cache.
    private int[] hashes = new int[capacity()];
    private int[] index = new int[capacity() * 2]; // ring position + 1 of an entry; 0 is a free slot

    Retired(TransactionLayer layer, TransactionLayer.Shard shard, long delayMillis) {
        super(layer, shard, delayMillis);
    }

    /** Keeps a client transaction's key; {@code listener}, if any, hears every 2xx that matches it. */
    void add(String key, ClientTransaction.Listener listener) {
        add(key, listener, null);
    }

    /** Keeps a server transaction's key and, if any, the final response a retransmitted request gets again. */
    void add(String key, byte[] finalResponse, Destination destination) {
        add(key, (Object) finalResponse, destination);
    }

    private void add(String key, Object payload, Destination destination) {
        int pos = enqueue();
        keys[pos] = key;
        hashes[pos] = hash(key);
        payloads[pos] = payload;
        destinations[pos] = destination;
        insert(pos);
    }

    /**
     * A response for client transaction {@code key}: false if none here has that key. A 2xx goes to the listener,
     * if any (the INVITE's other forks or a retransmission, RFC 6026 7.2); everything else ends here.
     */
    boolean absorb(String key, SipResponse response) {
        int pos = find(key);
        if (pos < 0) {
            return false;
        }
        if (payloads[pos] instanceof ClientTransaction.Listener l && response.status() / 100 == 2) {
            l.onResponse(response);
        }
        return true;
    }

    /**
     * A request for server transaction {@code key}: false if none here has that key. A non-INVITE's final response
     * goes out again (RFC 3261 17.2.2); anything else ends here.
     */
    boolean absorb(String key, SipRequest request) {
        int pos = find(key);
        if (pos < 0) {
            return false;
        }
        if (payloads[pos] instanceof byte[] response) {
            layer.send(SipMessage.parse(response, response.length, false), destinations[pos], shard.executor,
                    reason -> log.debug("response to a retransmitted {} for Call-ID {} not sent: {}",
                            request.method(), request.callId(), reason));
        }
        return true;
    }

    boolean contains(String key) {
        return find(key) >= 0;
    }

    private int find(String key) {
        int mask = index.length - 1;
        int h = hash(key);
        for (int i = h & mask; index[i] != 0; i = (i + 1) & mask) {
            int pos = index[i] - 1;
            if (hashes[pos] == h && keys[pos].equals(key)) {
                return pos;
            }
        }
        return -1;
    }

    /** Each entry was a transaction until now, with its closing timer armed. */
    @Override
    void expired(int pos) {
        unindex(pos);
        keys[pos] = null;
        payloads[pos] = null;
        destinations[pos] = null;
        layer.fired();
        layer.ended();
    }

    @Override
    void grown(int head, int size) {
        keys = unrolled(keys, head, size);
        hashes = unrolled(hashes, head, size);
        payloads = unrolled(payloads, head, size);
        destinations = unrolled(destinations, head, size);
        index = new int[keys.length * 2];
        for (int pos = 0; pos < size; pos++) {
            insert(pos);
        }
    }

    private static int hash(String key) {
        int h = key.hashCode();
        return h ^ (h >>> 16);
    }

    private void insert(int pos) {
        int mask = index.length - 1;
        int i = hashes[pos] & mask;
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = pos + 1;
    }

    /** Takes ring position {@code pos} out of the index, shifting back the entries probed past it. */
    private void unindex(int pos) {
        int mask = index.length - 1;
        int i = hashes[pos] & mask;
        while (index[i] != pos + 1) {
            i = (i + 1) & mask;
        }
        index[i] = 0;
        for (int j = (i + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
            int k = hashes[index[j] - 1] & mask;
            // An entry whose home lies cyclically in (i, j] is still reachable; any other moves into the hole.
            boolean reachable = i <= j ? i < k && k <= j : i < k || k <= j;
            if (!reachable) {
                index[i] = index[j];
                index[j] = 0;
                i = j;
            }
        }
    }
}
