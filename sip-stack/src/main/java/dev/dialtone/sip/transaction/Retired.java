package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipResponse;

/**
 * Client transactions of one shard and one closing-timer duration that have nothing left to do but wait out
 * retransmitted responses: an INVITE's after its 2xx (RFC 6026 7.2, Timer M: every further 2xx still goes to the
 * transaction user, which ACKs it again) and a non-INVITE's after its final response (RFC 3261 17.1.2.2, Timer K:
 * everything is absorbed). On a loaded stack nearly every call leaves one of each for up to 64*T1, long enough to
 * outlive several young collections; kept as transaction objects (transaction, timers, machine, map node) they were
 * most of what a collector had to copy. Here one costs its key and a slot in a few arrays.
 *
 * <p>A {@link FifoLane}, with an open-addressed index (linear probing, backward-shift deletion) to find an entry
 * by key.
 */
final class Retired extends FifoLane {
    private String[] keys = new String[capacity()];
    // The transaction user still owed each retransmitted 2xx (Timer M); null where everything is absorbed.
    private ClientTransaction.Listener[] listeners = new ClientTransaction.Listener[capacity()];
    private int[] index = new int[capacity() * 2]; // ring position + 1 of an entry; 0 is a free slot

    Retired(TransactionLayer layer, TransactionLayer.Shard shard, long delayMillis) {
        super(layer, shard, delayMillis);
    }

    /** Keeps {@code key} until the lane's delay has passed; {@code listener} hears every 2xx that matches it. */
    void add(String key, ClientTransaction.Listener listener) {
        int pos = enqueue();
        keys[pos] = key;
        listeners[pos] = listener;
        insert(pos);
    }

    /**
     * A response for {@code key}: false if no transaction here has that key. A 2xx goes to the listener, if any
     * (the INVITE's other forks or a retransmission, RFC 6026 7.2); everything else ends here.
     */
    boolean absorb(String key, SipResponse response) {
        int mask = index.length - 1;
        for (int i = home(key, mask); index[i] != 0; i = (i + 1) & mask) {
            int pos = index[i] - 1;
            if (keys[pos].equals(key)) {
                ClientTransaction.Listener l = listeners[pos];
                if (l != null && response.status() / 100 == 2) {
                    l.onResponse(response);
                }
                return true;
            }
        }
        return false;
    }

    /** Each entry was a transaction until now, with its closing timer armed. */
    @Override
    void expired(int pos) {
        unindex(pos);
        keys[pos] = null;
        listeners[pos] = null;
        layer.fired();
        layer.ended();
    }

    @Override
    void grown(int head, int size) {
        keys = unrolled(keys, head, size);
        listeners = unrolled(listeners, head, size);
        index = new int[keys.length * 2];
        for (int pos = 0; pos < size; pos++) {
            insert(pos);
        }
    }

    private static int home(String key, int mask) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & mask;
    }

    private void insert(int pos) {
        int mask = index.length - 1;
        int i = home(keys[pos], mask);
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = pos + 1;
    }

    /** Takes ring position {@code pos} out of the index, shifting back the entries probed past it. */
    private void unindex(int pos) {
        int mask = index.length - 1;
        int i = home(keys[pos], mask);
        while (index[i] != pos + 1) {
            i = (i + 1) & mask;
        }
        index[i] = 0;
        for (int j = (i + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
            int k = home(keys[index[j] - 1], mask);
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
