package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Inbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Transactions of one shard and one closing-timer duration that have nothing left to do but deal with
 * retransmissions. Client side: an INVITE's after its 2xx (RFC 6026 7.2, Timer M: every further 2xx still goes to
 * the transaction user, which ACKs it again) and a non-INVITE's after its final response (RFC 3261 17.1.2.2,
 * Timer K: everything is absorbed). Server side: a non-INVITE's after its final response (17.2.2, Timer J: a
 * retransmitted request gets that response again) and an INVITE's after its 2xx or its ACK (RFC 6026 7.1 Timer
 * L, 17.2.1 Timer I: retransmissions absorbed). On a loaded stack nearly every call leaves several for up to
 * 64*T1, long enough to outlive several young collections; kept as transaction objects (transaction, timers,
 * machine, map node, the last response as a parsed message) they were most of what a collector had to copy.
 * Here one costs the bytes of its key, and a server one those of its final response, in a ring of text, and a
 * slot in a few columns, all in direct memory; a client one also two references.
 *
 * <p>A {@link FifoLane}, with an open-addressed index (linear probing, backward-shift deletion) to find an entry
 * by key. A lane holds client or server entries, never both: their keys are built differently.
 */
final class Retired extends FifoLane {
    private static final Logger log = LoggerFactory.getLogger(Retired.class);

    // Each entry's key, and a server entry's final response, as bytes in one ring of text, in the order the
    // entries came (which is the order they leave). As a String and a byte[] per entry, they lived through many
    // young collections, were copied by each, then promoted, and left for a full collection of the old generation
    // to find: at 10,000 calls/s that came about a minute into a run, and stopped the loop for 250-400 ms.
    // Offsets into the ring only grow. The ring is made of pages: page n (offsets n*PAGE up) is pages[n & mask],
    // and a page whose bytes have all left is written again when page n + pages.length comes. It was one array,
    // doubled when full: a server lane holds INVITEs and BYEs for 64*T1, some 300 bytes each, so at 25,000
    // calls/s, half a minute in, the loop stopped to copy the ring into one twice its size. Growing now costs a
    // page and, now and then, a longer array of references.
    // The pages are direct memory, outside the collector's heap. As byte arrays they were most of a loaded
    // stack's live heap (a census of `uas` at 30,000 calls/s: 325 MB of byte arrays in 450 MB), which a JVM
    // started with its default heap had to grow to in full collections while the calls came: 6 to 9 of them in
    // the first seconds of a fresh `uas` at 33,000 calls/s, with young pauses of 60-100 ms between, and the
    // caller's INVITEs went unanswered. Written and read in bulk, a page costs no more outside the heap; it is
    // freed with the lane.
    private static final int PAGE_SHIFT = 16;
    private static final int PAGE = 1 << PAGE_SHIFT;
    private static final ByteBuffer[] NO_PAGES = new ByteBuffer[0];
    private ByteBuffer[] pages = new ByteBuffer[1];
    // Pages made off the loop with the columns of a ring grown for a reserve, until reserved() takes them.
    private ByteBuffer[] spare = NO_PAGES;
    // A kept key copied back out of the ring, to compare with one looked up; grows to the longest key.
    private byte[] scratch = new byte[KEY_BYTES * 2];
    private long textHead;
    private long textTail;
    // Per entry, in direct memory (see Direct): where its text starts, its key's length, its response's (0: none).
    private ByteBuffer starts;
    private ByteBuffer keyLengths;
    private ByteBuffer responseLengths;
    // Client lanes only (null in a server lane): what is still owed each retransmitted 2xx (Timer M), a
    // ClientTransaction.Listener or, once its user has gone, a shared ClientTransaction.Retransmissions with a
    // destination and a mark; null where everything is absorbed. A server lane keeps no destination: a
    // retransmitted request's response goes where the retransmission's own says (RFC 3261 18.2.2, RFC 3581 4),
    // which is where the first one's went. References are the one part of an entry the collector must see, and a
    // column of them, new when the lane grows, was copied by the next young collection: tens of megabytes at once
    // for a server lane at 33,000 calls/s.
    private Object[] listeners;
    private Destination[] destinations;
    private Destination lastDestination; // the last one kept, shared by the equal ones after it (see shared)
    private ByteBuffer marks;
    // Each key's mixed hash: expiring an entry and shifting its neighbours back reads these in sequence rather
    // than each key's bytes, which after 64*T1 are far out of cache.
    private ByteBuffer hashes;
    private ByteBuffer index; // ring position + 1 of an entry; 0: free; twice the ring's capacity
    // The hash of the entry in each slot of the index, beside it: a probe past other entries (every lookup that
    // misses, such as each ACK of a 2xx, which has no transaction to match) then reads the index alone, where
    // reading hashes[pos] cost a cache miss per entry probed.
    private ByteBuffer slotHashes;
    private final boolean server;

    Retired(TransactionLayer layer, TransactionLayer.Shard shard, long delayMillis, boolean server) {
        super(layer, shard, delayMillis);
        this.server = server;
        take(new Columns(capacity(), server, false));
    }

    @Override
    public String toString() {
        return server ? "retired server" : "retired client";
    }

    /** Keeps a client transaction's key; {@code listener}, if any, hears every 2xx that matches it. */
    void add(String key, ClientTransaction.Listener listener) {
        add(key, listener, null, null, 0);
    }

    /** Keeps a client transaction's key; every 2xx that matches it goes to {@code r} with the two values. */
    void add(String key, ClientTransaction.Retransmissions r, Destination destination, int mark) {
        add(key, r, null, destination, mark);
    }

    /** Keeps a server transaction's key and, if any, the final response a retransmitted request gets again. */
    void addServer(String key, byte[] finalResponse) {
        add(key, null, finalResponse, null, 0);
    }

    private void add(String key, Object listener, byte[] finalResponse, Destination destination, int mark) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int responseLength = finalResponse == null ? 0 : finalResponse.length;
        reserveText(k.length + responseLength);
        int pos = enqueue();
        starts.putLong(pos << Direct.LONG, textTail);
        keyLengths.putInt(pos << Direct.INT, k.length);
        responseLengths.putInt(pos << Direct.INT, responseLength);
        put(k);
        if (finalResponse != null) {
            put(finalResponse);
        }
        hashes.putInt(pos << Direct.INT, hash(key));
        if (!server) {
            listeners[pos] = listener;
            destinations[pos] = shared(destination);
            marks.putInt(pos << Direct.INT, mark);
        }
        insert(pos);
    }

    /**
     * The destination the previous entry kept, when this one is equal to it. Each response's destination is built
     * from its datagram's source address, so a UAS that one caller loads kept, for 64*T1 per transaction, five
     * objects of its own that said the same thing (a heap census of `uas` at 8,000 calls/s: 175,160 of them), and
     * each young collection copied them until they were promoted.
     */
    private Destination shared(Destination destination) {
        if (destination != null && destination.equals(lastDestination)) {
            return lastDestination;
        }
        if (destination != null) {
            lastDestination = destination;
        }
        return destination;
    }

    // A key is a branch, a method and a sent-by: about 60 bytes; a final response kept with it grows the ring.
    private static final int KEY_BYTES = 64;

    @Override
    void reserved(int capacity) {
        reserveText((long) capacity * KEY_BYTES - (textTail - textHead));
        // The pages too, made now (or off the loop with the columns, see FifoLane.reserveAhead): sized ahead
        // (TransactionLayer.expectRate), a lane should not allocate what it keeps for 64*T1 while the calls come.
        int k = 0;
        for (int i = 0; i < pages.length; i++) {
            if (pages[i] == null) {
                pages[i] = k < spare.length ? spare[k++] : ByteBuffer.allocateDirect(PAGE);
            }
        }
        spare = NO_PAGES;
    }

    /** Room in the text ring for {@code length} more bytes: slots for the pages they take, kept at their numbers. */
    private void reserveText(long length) {
        long first = textHead >>> PAGE_SHIFT;
        long last = (textTail + Math.max(length, 1) - 1) >>> PAGE_SHIFT;
        if (last - first < pages.length) {
            return;
        }
        int slots = pages.length;
        while (slots <= last - first) {
            slots *= 2;
        }
        ByteBuffer[] grown = new ByteBuffer[slots];
        // Pages in use move to their numbers' slots; pages already free stay, to be written before a new one is made.
        long lastInUse = textTail == textHead ? first - 1 : (textTail - 1) >>> PAGE_SHIFT;
        for (long n = first; n <= lastInUse; n++) {
            grown[(int) (n & (slots - 1))] = pages[(int) (n & (pages.length - 1))];
        }
        int spare = 0;
        for (long n = lastInUse + 1; n < first + pages.length; n++) {
            ByteBuffer free = pages[(int) (n & (pages.length - 1))];
            if (free != null) {
                while (grown[spare] != null) {
                    spare++;
                }
                grown[spare] = free;
            }
        }
        pages = grown;
    }

    /** The bytes of the pages made so far. */
    long pageBytes() {
        long n = 0;
        for (ByteBuffer page : pages) {
            n += page == null ? 0 : page.capacity();
        }
        return n;
    }

    /** Page {@code n}, already written: reading never makes one. */
    private ByteBuffer written(long n) {
        return pages[(int) (n & (pages.length - 1))];
    }

    /** Page {@code n}, made when first written. */
    private ByteBuffer page(long n) {
        int slot = (int) (n & (pages.length - 1));
        ByteBuffer page = pages[slot];
        if (page == null) {
            page = ByteBuffer.allocateDirect(PAGE);
            pages[slot] = page;
        }
        return page;
    }

    private void put(byte[] b) {
        for (int done = 0; done < b.length; ) {
            int at = (int) (textTail & (PAGE - 1));
            int n = Math.min(b.length - done, PAGE - at);
            page(textTail >>> PAGE_SHIFT).put(at, b, done, n);
            done += n;
            textTail += n;
        }
    }

    /** The {@code length} bytes of the ring from {@code offset}, copied out. */
    private byte[] get(long offset, int length) {
        byte[] out = new byte[length];
        for (int done = 0; done < length; ) {
            long o = offset + done;
            int at = (int) (o & (PAGE - 1));
            int n = Math.min(length - done, PAGE - at);
            written(o >>> PAGE_SHIFT).get(at, out, done, n);
            done += n;
        }
        return out;
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
        Object l = listeners[pos];
        // Only an INVITE's transaction keeps a listener; its key is the branch alone (TransactionLayer.clientKey).
        if (response.status() / 100 == 2 && response.cseq().method() == SipMethod.INVITE) {
            if (l instanceof ClientTransaction.Listener listener) {
                listener.onResponse(response);
            } else if (l instanceof ClientTransaction.Retransmissions r) {
                r.on2xx(response, destinations[pos], marks.getInt(pos << Direct.INT));
            }
        }
        return true;
    }

    /** Client transaction {@code key}'s further 2xx go to {@code r} from now on; false if none here has that key. */
    boolean relisten(String key, ClientTransaction.Retransmissions r, Destination destination, int mark) {
        int pos = find(key);
        if (pos < 0) {
            return false;
        }
        listeners[pos] = r;
        destinations[pos] = shared(destination);
        marks.putInt(pos << Direct.INT, mark);
        return true;
    }

    /**
     * A request for server transaction {@code key}: false if none here has that key. A non-INVITE's final response
     * goes out again (RFC 3261 17.2.2), where the retransmission's Via and source say, as the first one's went;
     * anything else ends here.
     */
    boolean absorb(String key, Inbound in) {
        int pos = find(key);
        if (pos < 0) {
            return false;
        }
        if (responseLength(pos) > 0) {
            // A retransmission: rare enough to copy the response out of the ring and parse it again.
            SipRequest request = (SipRequest) in.message();
            byte[] response = get(start(pos) + keyLength(pos), responseLength(pos));
            layer.send(SipMessage.parse(response, response.length, false), in.responseDestination(), shard.executor,
                    reason -> log.debug("response to a retransmitted {} for Call-ID {} not sent: {}",
                            request.method(), request.callId(), reason));
        }
        return true;
    }

    boolean contains(String key) {
        return find(key) >= 0;
    }

    /**
     * For messages that match no live transaction: retransmissions, strays, and every ACK of a 2xx (it has a branch
     * of its own, RFC 3261 13.2.2.4, so no server transaction matches it), which mostly miss.
     */
    private int find(String key) {
        int mask = indexMask();
        int h = hash(key);
        byte[] k = null;
        for (int i = h & mask; slot(i) != 0; i = (i + 1) & mask) {
            if (slotHash(i) == h) {
                int pos = slot(i) - 1;
                if (k == null) {
                    k = key.getBytes(StandardCharsets.UTF_8);
                }
                if (keyLength(pos) == k.length && keyIs(start(pos), k)) {
                    return pos;
                }
            }
        }
        return -1;
    }

    private boolean keyIs(long offset, byte[] k) {
        if (scratch.length < k.length) {
            scratch = new byte[k.length];
        }
        for (int done = 0; done < k.length; ) {
            long o = offset + done;
            int at = (int) (o & (PAGE - 1));
            int n = Math.min(k.length - done, PAGE - at);
            written(o >>> PAGE_SHIFT).get(at, scratch, done, n);
            done += n;
        }
        return Arrays.equals(scratch, 0, k.length, k, 0, k.length);
    }

    /** Each entry was a transaction until now, with its closing timer armed. */
    @Override
    void expired(int pos) {
        unindex(pos);
        // Entries leave in the order they came: the oldest bytes of the ring were this entry's.
        textHead = start(pos) + keyLength(pos) + responseLength(pos);
        if (!server) {
            listeners[pos] = null;
            destinations[pos] = null;
        }
        layer.fired();
        layer.ended();
    }

    /** A ring's worth of this lane's columns, made before the entries move in. */
    private static final class Columns {
        final ByteBuffer starts;
        final ByteBuffer keyLengths;
        final ByteBuffer responseLengths;
        final ByteBuffer marks;
        final ByteBuffer hashes;
        final ByteBuffer index;
        final ByteBuffer slotHashes;
        final Object[] listeners;
        final Destination[] destinations;
        // Made for reserved(), which takes them before it makes any of its own.
        final ByteBuffer[] pages;

        Columns(int capacity, boolean server, boolean reserving) {
            starts = Direct.column(capacity, Direct.LONG);
            keyLengths = Direct.column(capacity, Direct.INT);
            responseLengths = Direct.column(capacity, Direct.INT);
            hashes = Direct.column(capacity, Direct.INT);
            index = Direct.column(capacity * 2, Direct.INT);
            slotHashes = Direct.column(capacity * 2, Direct.INT);
            marks = server ? null : Direct.column(capacity, Direct.INT);
            listeners = server ? null : new Object[capacity];
            destinations = server ? null : new Destination[capacity];
            pages = new ByteBuffer[reserving ? (int) ((long) capacity * KEY_BYTES >>> PAGE_SHIFT) : 0];
            for (int i = 0; i < pages.length; i++) {
                pages[i] = ByteBuffer.allocateDirect(PAGE);
            }
        }

        // Columns discarded (the lane outgrew them on the loop meanwhile): their pages go too, not at some collection.
        void free() {
            Direct.free(starts, keyLengths, responseLengths, marks, hashes, index, slotHashes);
            Direct.free(pages);
        }
    }

    @Override
    Object columns(int capacity, boolean reserving) {
        return new Columns(capacity, server, reserving);
    }

    @Override
    void discard(Object columns) {
        ((Columns) columns).free();
    }

    @Override
    void moved(Object columns, int oldCapacity, int head, int size) {
        Columns c = (Columns) columns;
        int oldMask = oldCapacity - 1;
        Direct.moveRing(starts, c.starts, Direct.LONG, oldCapacity, head, size);
        Direct.moveRing(keyLengths, c.keyLengths, Direct.INT, oldCapacity, head, size);
        Direct.moveRing(responseLengths, c.responseLengths, Direct.INT, oldCapacity, head, size);
        Direct.moveRing(hashes, c.hashes, Direct.INT, oldCapacity, head, size);
        if (!server) {
            Direct.moveRing(marks, c.marks, Direct.INT, oldCapacity, head, size);
            moveRing(listeners, c.listeners, oldCapacity, head, size);
            moveRing(destinations, c.destinations, oldCapacity, head, size);
        }
        ByteBuffer oldIndex = index;
        ByteBuffer oldSlotHashes = slotHashes;
        Direct.free(starts, keyLengths, responseLengths, marks, hashes);
        take(c);
        spare = c.pages;
        // Rehashed in the old index's slot order, not the ring's: an entry in slot j lands near j or j plus the old
        // length, so both indexes are read and written nearly in sequence. In ring order each insert was a cache
        // miss, and at 10,000 calls/s a doubling of a lane of 64*T1 stopped the loop for tens of milliseconds.
        // An entry's new position is its distance from the old head.
        for (int j = 0, n = oldCapacity * 2; j < n; j++) {
            int at = oldIndex.getInt(j << Direct.INT);
            if (at != 0) {
                place(((at - 1) - head) & oldMask, oldSlotHashes.getInt(j << Direct.INT));
            }
        }
        Direct.free(oldIndex, oldSlotHashes);
    }

    private void take(Columns c) {
        starts = c.starts;
        keyLengths = c.keyLengths;
        responseLengths = c.responseLengths;
        marks = c.marks;
        hashes = c.hashes;
        listeners = c.listeners;
        destinations = c.destinations;
        index = c.index;
        slotHashes = c.slotHashes;
    }

    private long start(int pos) {
        return starts.getLong(pos << Direct.LONG);
    }

    private int keyLength(int pos) {
        return keyLengths.getInt(pos << Direct.INT);
    }

    private int responseLength(int pos) {
        return responseLengths.getInt(pos << Direct.INT);
    }

    /** The index has twice the ring's slots, so that it is at most half full. */
    private int indexMask() {
        return (capacity() << 1) - 1;
    }

    /** The ring position + 1 in slot {@code i} of the index; 0 when the slot is free. */
    private int slot(int i) {
        return index.getInt(i << Direct.INT);
    }

    private int slotHash(int i) {
        return slotHashes.getInt(i << Direct.INT);
    }

    private void setSlot(int i, int positionPlusOne, int hash) {
        index.putInt(i << Direct.INT, positionPlusOne);
        slotHashes.putInt(i << Direct.INT, hash);
    }

    private static int hash(String key) {
        int h = key.hashCode();
        return h ^ (h >>> 16);
    }

    private void insert(int pos) {
        place(pos, hashes.getInt(pos << Direct.INT));
    }

    private void place(int pos, int hash) {
        int mask = indexMask();
        int i = hash & mask;
        while (slot(i) != 0) {
            i = (i + 1) & mask;
        }
        setSlot(i, pos + 1, hash);
    }

    /** Takes ring position {@code pos} out of the index, shifting back the entries probed past it. */
    private void unindex(int pos) {
        int mask = indexMask();
        int i = hashes.getInt(pos << Direct.INT) & mask;
        while (slot(i) != pos + 1) {
            i = (i + 1) & mask;
        }
        setSlot(i, 0, 0);
        for (int j = (i + 1) & mask; slot(j) != 0; j = (j + 1) & mask) {
            int k = slotHash(j) & mask;
            // An entry whose home lies cyclically in (i, j] is still reachable; any other moves into the hole.
            // Measured as distances from i rather than by comparing i and j: the case where j has wrapped past the
            // index's end is rare, so C2 compiled it as a trap, and the first expiry there (a minute into a run at
            // 14,000 calls/s) sent the lane's expiry loop and its callers back to the interpreter.
            boolean reachable = ((k - i - 1) & mask) < ((j - i) & mask);
            if (!reachable) {
                setSlot(i, slot(j), slotHash(j));
                setSlot(j, 0, 0);
                i = j;
            }
        }
    }
}
