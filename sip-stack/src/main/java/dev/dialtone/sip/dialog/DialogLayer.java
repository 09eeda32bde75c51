package dev.dialtone.sip.dialog;

import dev.dialtone.sip.dialog.DialogEvent.AckReceived;
import dev.dialtone.sip.dialog.DialogEvent.Answer;
import dev.dialtone.sip.dialog.DialogEvent.RequestFailed;
import dev.dialtone.sip.dialog.DialogEvent.RequestReceived;
import dev.dialtone.sip.dialog.DialogEvent.ResponseReceived;
import dev.dialtone.sip.dialog.DialogEvent.SendAck;
import dev.dialtone.sip.dialog.DialogEvent.SendBye;
import dev.dialtone.sip.dialog.DialogEvent.SendRequest;
import dev.dialtone.sip.dialog.DialogEvent.TimerFired;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SessionExpires;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.message.Uri;
import dev.dialtone.sip.message.Via;
import dev.dialtone.sip.transaction.ClientTransaction;
import dev.dialtone.sip.transaction.ServerTransaction;
import dev.dialtone.sip.transaction.TransactionFailure;
import dev.dialtone.sip.transaction.TransactionLayer;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Inbound;
import dev.dialtone.sip.transport.Transport;
import io.netty.util.Timeout;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dialog layer: the transaction user of RFC 3261 above a {@link TransactionLayer}. It keeps the dialogs by id,
 * routes requests inside a dialog to it (481 when there is none), hands new INVITEs and other requests outside a
 * dialog to the application, ACKs 2xx responses and retransmits our own 2xx until ACKed.
 *
 * <p>Each dialog lives on its call's executor ({@link TransactionLayer#executorFor}); the application may call in
 * from any thread and is called back on that executor. Dialog timers run on the transaction layer's timer wheel and
 * are all cancelled when the dialog ends.
 */
public final class DialogLayer implements TransactionLayer.User {
    private static final Logger log = LoggerFactory.getLogger(DialogLayer.class);

    /** The application above the dialog layer. Called on the call's executor; must not block. */
    public interface Listener extends DialogListener {
        /** A new INVITE: answer it with {@link IncomingRequest#provisional}, {@code accept} or {@code reject}. */
        void onInvite(IncomingRequest invite);

        /**
         * The caller gave up on an INVITE we had not answered finally (CANCEL, or BYE on the early dialog); it has
         * been answered 487.
         */
        default void onCancel(IncomingRequest invite) {
        }

        /** A request outside any dialog other than INVITE (OPTIONS, REGISTER, MESSAGE...). Default: 501. */
        default void onOutOfDialogRequest(ServerTransaction request) {
            request.respond(request.request().createResponse(501));
        }
    }

    private static final DialogListener SILENT = (dialog, reason) -> {
    };

    private final TransactionLayer transactions;
    private final io.netty.util.Timer wheel;
    private final DialogConfig config;
    private volatile Function<Transport, Address> contacts;
    private final ViaFactory vias;
    private final DialogSet.ReAck reAck = new DialogSet.ReAck(this);
    private final Locator locator;
    private final Listener listener;
    private final Map<DialogId, Slot> dialogs = new ConcurrentHashMap<>();
    private final Map<ServerTransaction, IncomingRequest> invites = new ConcurrentHashMap<>();
    private final AtomicInteger armed = new AtomicInteger();
    private final Printed printedFrom = new Printed();
    private final Printed printedTo = new Printed();
    private final Printed printedRequestUri = new Printed();

    /**
     * Creates the layer and makes it the transaction layer's user.
     *
     * @param wheel   the timer wheel the transaction layer uses
     * @param locator where in-dialog requests go; {@link Locator#numeric()} suits peers that put IP addresses in
     *                Contact and Record-Route
     */
    public DialogLayer(TransactionLayer transactions, io.netty.util.Timer wheel, DialogConfig config, ViaFactory vias,
                       Locator locator, Listener listener) {
        this.transactions = transactions;
        this.wheel = wheel;
        this.config = config;
        this.contacts = t -> config.contact();
        this.vias = vias;
        this.locator = locator;
        this.listener = listener;
        transactions.setUser(this);
    }

    /** Dialogs not yet terminated (early or confirmed). Zero once every call has ended. */
    public int activeDialogs() {
        return dialogs.size();
    }

    /** New INVITEs we received that have no final answer yet. */
    public int pendingInvites() {
        return invites.size();
    }

    /** Dialog timers armed and not yet fired or cancelled. */
    public int armedTimers() {
        return armed.get();
    }

    public DialogConfig config() {
        return config;
    }

    /** The executor a dialog's callbacks run on. */
    /**
     * Our Contact for each transport ({@code sips:} for TLS, {@code ;transport=tcp} for TCP); by default the
     * configured one for all.
     */
    public void setContacts(Function<Transport, Address> contacts) {
        this.contacts = contacts;
    }

    public EventExecutor executorFor(Dialog dialog) {
        return transactions.executorFor(dialog.id().callId());
    }

    /**
     * A new INVITE outside any dialog: random Call-ID and From tag, CSeq 1, Max-Forwards 70 and the body if any.
     * {@link #invite} adds the rest.
     */
    public SipRequest createInvite(Uri requestUri, Address from, Address to, String contentType, byte[] body) {
        return newInvite(null, requestUri, from, to, contentType, body).build();
    }

    /**
     * {@link #createInvite(Uri, Address, Address, String, byte[])} with all that {@link #invite} would add for
     * {@code transport} (top Via, Contact, Allow, ...), so that {@code invite} sends it as it is: one message
     * built per call instead of two, and the building done on the caller's thread.
     */
    public SipRequest createInvite(Uri requestUri, Address from, Address to, String contentType, byte[] body,
                                   Transport transport) {
        return createInvite(null, requestUri, from, to, contentType, body, transport);
    }

    /**
     * The same with the Call-ID the caller chose (null: a random one), which must be unique over space and time
     * (RFC 3261 8.1.1.4): a load generator numbers its calls, as SIPp does, so that a call is easy to find.
     */
    public SipRequest createInvite(String callId, Uri requestUri, Address from, Address to, String contentType,
                                   byte[] body, Transport transport) {
        SipRequest.Builder b = newInvite(callId, requestUri, from, to, contentType, body);
        return complete(b, null, transport).build();
    }

    private SipRequest.Builder newInvite(String callId, Uri requestUri, Address from, Address to, String contentType,
                                         byte[] body) {
        if (callId == null) {
            String host = config.contact().uri() instanceof SipUri sip ? sip.host() : "dialtone";
            callId = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + "@" + host;
        }
        // A tag appended to the From as printed is what printing from.withTag(tag) gives (Parameters.with adds
        // a new parameter last).
        String fromText = from.tag() == null ? printedFrom.of(from) + ";tag=" + newTag()
            : from.withTag(newTag()).toString();
        SipRequest.Builder b = SipRequest.builder(SipMethod.INVITE, requestUri)
                .requestUri(requestUri, printedRequestUri.of(requestUri))
                .header(HeaderName.MAX_FORWARDS, "70")
                .header(HeaderName.FROM, fromText)
                .header(HeaderName.TO, printedTo.of(to))
                .header(HeaderName.CALL_ID, callId)
                .header(HeaderName.CSEQ, "1 INVITE");
        if (body != null) {
            b.body(contentType, body);
        }
        return b;
    }

    /**
     * Sends an INVITE and tracks the dialogs it makes. Completes the request where needed: a top Via (from the
     * Via factory) unless it has one with an RFC 3261 branch, a From tag, Max-Forwards, Contact, Allow, Supported ({@code timer},
     * {@code 100rel} as configured) and, with session timers, Session-Expires and Min-SE (RFC 4028 7.1).
     * Any thread; the listener is called on the call's executor.
     */
    public DialogSet invite(SipRequest invite, Destination destination, InviteListener listener) {
        if (invite.method() != SipMethod.INVITE) {
            throw new IllegalArgumentException("not an INVITE: " + invite.method());
        }
        SipRequest.Builder b = complete(null, invite, destination.transport());
        SipRequest request = b == null ? invite : b.build();
        EventExecutor ex = transactions.executorFor(request.callId());
        DialogSet set = new DialogSet(this, ex, destination, listener);
        runOn(ex, () -> set.start(request));
        return set;
    }

    /**
     * Adds what an INVITE lacks to {@code b} (made from {@code have} when null and something is missing); with
     * {@code have} null, {@code b} is a fresh {@link #newInvite} and lacks all but the From tag and Max-Forwards.
     * Returns null when {@code have} lacks nothing, so it goes out as it is.
     */
    private SipRequest.Builder complete(SipRequest.Builder b, SipRequest have, Transport transport) {
        Via top = have == null ? null : have.topVia();
        if (top == null || !top.hasRfc3261Branch()) {
            b = edit(b, have);
            if (top == null) {
                b.withTopVia(vias.via(transport));
            } else {
                b.replaceTopVia(vias.via(transport));
            }
        }
        if (have != null && have.from().tag() == null) {
            b = edit(b, have).setHeader(HeaderName.FROM, have.from().withTag(newTag()).toString());
        }
        if (have != null && have.maxForwards() == null) {
            b = edit(b, have).setHeader(HeaderName.MAX_FORWARDS, "70");
        }
        if (have == null || have.contacts().isEmpty()) {
            // RFC 3261 8.1.1.8: a Contact the peer can reach us at over the transport the INVITE goes on.
            b = edit(b, have).setHeader(HeaderName.CONTACT, Dialog.text(contacts.apply(transport)));
        }
        if (have == null || !have.hasHeader(HeaderName.ALLOW)) {
            b = edit(b, have).setHeader(HeaderName.ALLOW, Dialog.ALLOW);
        }
        if (config.supported() != null && (have == null || !have.hasHeader(HeaderName.SUPPORTED))) {
            b = edit(b, have).setHeader(HeaderName.SUPPORTED, config.supported());
        }
        if (config.sessionTimers() && (have == null || !have.hasHeader(HeaderName.SESSION_EXPIRES))) {
            // RFC 4028 7.1: no refresher parameter, so the UAS may choose.
            b = edit(b, have).setHeader(HeaderName.SESSION_EXPIRES, Long.toString(config.sessionExpires()))
                    .setHeader(HeaderName.MIN_SE, Long.toString(config.minSe()));
        }
        return b;
    }

    private static SipRequest.Builder edit(SipRequest.Builder b, SipRequest have) {
        return b != null ? b : have.toBuilder();
    }

    /** Ends the dialog: BYE on a confirmed dialog (or a caller's early one); a callee's early dialog gets 480. */
    public void bye(Dialog dialog) {
        runOn(executorFor(dialog), () -> deliver(dialog, new SendBye()));
    }

    /**
     * The ACK for a 2xx that carried an offer because our INVITE (or re-INVITE) had none: {@code sdp} is the answer.
     * Until it is called such a 2xx is not ACKed, and its retransmissions are ignored.
     */
    public void ack(Dialog dialog, byte[] sdp) {
        byte[] copy = sdp == null ? null : sdp.clone();
        runOn(executorFor(dialog), () -> deliver(dialog, new SendAck(copy == null ? null : Dialog.SDP, copy)));
    }

    /**
     * A re-INVITE with {@code sdp} (an offer, or null for none). Completes with the final response (a synthesized 408
     * on timeout); a 491 is retried after the RFC 3261 14.1 wait before completing. Fails at once if another INVITE
     * is in progress on the dialog.
     */
    public CompletionStage<SipResponse> reinvite(Dialog dialog, byte[] sdp) {
        return request(dialog, SipMethod.INVITE, sdp == null ? null : Dialog.SDP, sdp);
    }

    /** An UPDATE (RFC 3311) with {@code sdp} as an offer, or null for a session refresh. As {@link #reinvite}. */
    public CompletionStage<SipResponse> update(Dialog dialog, byte[] sdp) {
        return request(dialog, SipMethod.UPDATE, sdp == null ? null : Dialog.SDP, sdp);
    }

    /** Any other request in the dialog (INFO, MESSAGE, REFER...), completing with its final response. */
    public CompletionStage<SipResponse> request(Dialog dialog, SipMethod method, String contentType, byte[] body) {
        if (method == SipMethod.ACK || method == SipMethod.CANCEL || method == SipMethod.BYE) {
            throw new IllegalArgumentException(method + " is not sent this way");
        }
        CompletableFuture<SipResponse> result = new CompletableFuture<>();
        SendRequest send = new SendRequest(method, contentType, body == null ? null : body.clone(), result);
        runOn(executorFor(dialog), () -> deliver(dialog, send));
        return result;
    }

    @Override
    public void onRequest(ServerTransaction txn) {
        SipRequest request = txn.request();
        try {
            if (request.to() == null || request.from() == null || request.cseq() == null || request.callId() == null) {
                txn.respond(request.createResponse(400, "Missing To, From, Call-ID or CSeq"));
                return;
            }
            String toTag = request.to().tag();
            if (toTag != null) {
                Slot slot = dialogs.get(DialogId.ofReceivedRequest(request));
                if (slot == null) {
                    txn.respond(request.createResponse(481));
                } else {
                    slot.dialog.on(new RequestReceived(request, responder(txn)));
                }
                return;
            }
            SipMethod m = request.method();
            if (m == SipMethod.INVITE) {
                newInvite(txn);
            } else if (m == SipMethod.BYE || m == SipMethod.UPDATE || m == SipMethod.PRACK) {
                txn.respond(request.createResponse(481));
            } else {
                safely(() -> listener.onOutOfDialogRequest(txn));
            }
        } catch (SipParseException e) {
            txn.respond(request.createResponse(400, "Bad Request"));
            log.debug("Call-ID {}: 400 for {}: {}", request.callId(), request.method(), e.reason());
        }
    }

    private void newInvite(ServerTransaction txn) {
        SipRequest request = txn.request();
        for (String tag : request.require()) {
            if (!tag.equalsIgnoreCase("timer") || !config.sessionTimers()) {
                // RFC 3261 8.2.2.3: we do not do this extension as UAS.
                txn.respond(request.responseBuilder(420, null).toTag(newTag())
                        .header(HeaderName.UNSUPPORTED, tag).build());
                return;
            }
        }
        if (config.sessionTimers()) {
            SessionExpires se = request.sessionExpires();
            if (se != null && se.delta() < config.minSe()) {
                // RFC 4028 9: too small an interval gets 422 with our Min-SE.
                txn.respond(request.responseBuilder(422, null).toTag(newTag())
                        .header(HeaderName.MIN_SE, Long.toString(config.minSe())).build());
                return;
            }
        }
        EventExecutor ex = txn.executor();
        IncomingRequest in = new IncomingRequest(request, txn.inbound(), null,
                (r, status, reason, type, body, headers) -> runOn(ex,
                        () -> answerInitial(r, txn, status, reason, type, body, headers)));
        invites.put(txn, in);
        safely(() -> listener.onInvite(in));
    }

    private void answerInitial(IncomingRequest in, ServerTransaction txn, int status, String reason, String type,
                               byte[] body, List<dev.dialtone.sip.message.Header> headers) {
        answerInitialWith(in, txn, status, reason, type, body, headers);
    }

    private void answerInitialWith(IncomingRequest in, ServerTransaction txn, int status, String reason, String type,
                                   byte[] body, List<dev.dialtone.sip.message.Header> headers) {
        if (in.finished) {
            log.debug("Call-ID {}: INVITE already answered, {} dropped", in.request().callId(), status);
            return;
        }
        SipRequest request = in.request();
        if (status >= 200) {
            in.finished = true;
            invites.remove(txn);
        }
        Dialog d = in.dialog;
        if (d == null && status > 100 && status < 300) {
            Slot slot = new Slot(txn.executor(), txn.inbound().responseDestination(), null);
            slot.listener = in.listener != null ? in.listener : listener;
            slot.incoming = in;
            slot.inviteTransaction = txn;
            d = Dialog.uas(request, responder(txn), newTag(), config, transactions.timers(), slot);
            d.useContact(contacts.apply(txn.inbound().transport()));
            slot.dialog = d;
            dialogs.put(d.id(), slot);
            in.dialog = d;
        }
        if (d != null) {
            deliver(d, new Answer(request, responder(txn), status, reason, type, body, headers));
        } else {
            SipResponse.Builder b = request.responseBuilder(status, reason == null ? SipResponse.reasonPhrase(status) : reason)
                    .toTag(newTag());
            for (var h : headers) {
                b.header(h.name(), h.value());
            }
            if (body != null) {
                b.body(type, body);
            }
            txn.respond(b.build());
        }
    }

    @Override
    public void onCancel(ServerTransaction invite, SipRequest cancel) {
        IncomingRequest in = invites.get(invite);
        if (in == null || in.finished) {
            return;
        }
        // RFC 3261 9.2: the INVITE is answered 487; its early dialog, if any, ends with it.
        answerInitial(in, invite, 487, null, null, null, List.of());
        safely(() -> listener.onCancel(in));
    }

    @Override
    public void onAck(Inbound inbound) {
        SipRequest ack = (SipRequest) inbound.message();
        try {
            if (ack.to() == null || ack.from() == null || ack.cseq() == null) {
                return;
            }
            Slot slot = dialogs.get(DialogId.ofReceivedRequest(ack));
            if (slot != null) {
                deliver(slot.dialog, new AckReceived(ack));
            } else {
                log.debug("ACK for no dialog, Call-ID {}", ack.callId());
            }
        } catch (SipParseException e) {
            log.debug("malformed ACK dropped: {}", e.reason());
        }
    }

    @Override
    public void onStrayResponse(Inbound inbound) {
        SipResponse response = (SipResponse) inbound.message();
        try {
            if (response.status() / 100 != 2 || response.cseq() == null || response.cseq().method() != SipMethod.INVITE
                    || response.to() == null || response.from() == null) {
                return;
            }
            Slot slot = dialogs.get(DialogId.ofReceivedResponse(response));
            if (slot != null) {
                // RFC 3261 13.2.2.4: a 2xx retransmitted after the INVITE transaction ended is ACKed again.
                deliver(slot.dialog, new ResponseReceived(null, response));
            } else {
                log.debug("stray 2xx for no dialog, Call-ID {}", response.callId());
            }
        } catch (SipParseException e) {
            log.debug("malformed response dropped: {}", e.reason());
        }
    }

    Dialog createUacDialog(DialogSet set, SipRequest invite, SipResponse response, DialogListener dialogListener) {
        Slot slot = new Slot(transactions.executorFor(invite.callId()), set.destination(), set);
        slot.listener = dialogListener == null ? SILENT : dialogListener;
        Dialog d = Dialog.uac(invite, response, config, transactions.timers(), slot);
        slot.dialog = d;
        dialogs.put(d.id(), slot);
        return d;
    }

    /** The dialog's events go nowhere from now on (a fork we release). */
    void silence(Dialog d) {
        Slot slot = dialogs.get(d.id());
        if (slot != null && slot.dialog == d) {
            slot.listener = SILENT;
        }
    }

    TransactionLayer transactions() {
        return transactions;
    }

    DialogSet.ReAck reAck() {
        return reAck;
    }

    Via via(Transport transport) {
        return vias.via(transport);
    }

    private Responder responder(ServerTransaction txn) {
        Destination back = txn.inbound().responseDestination();
        return new Responder() {
            @Override
            public void respond(SipResponse response) {
                txn.respond(response);
            }

            @Override
            public void retransmit(SipResponse response) {
                transactions.sendStateless(response, back);
            }
        };
    }

    static String newTag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    static void runOn(EventExecutor ex, Runnable task) {
        if (ex.inEventLoop()) {
            task.run();
        } else {
            ex.execute(task);
        }
    }

    /** Runs one event; a malformed message or a bug ends up in the log, never in the transaction layer. */
    static void deliver(Dialog dialog, DialogEvent event) {
        try {
            dialog.on(event);
        } catch (SipParseException e) {
            log.debug("dialog {}: malformed message in {}: {}", dialog.id(), event.getClass().getSimpleName(), e.reason());
        } catch (RuntimeException e) {
            log.warn("dialog {} failed on {}", dialog.id(), event.getClass().getSimpleName(), e);
        }
    }

    /** Application code must not break the layer: its exceptions are logged, not propagated. */
    static void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.warn("application callback failed", e);
        }
    }

    private static final int DIALOG_TIMERS = DialogTimer.values().length;

    /** One dialog's link to the world: transactions, timers on the wheel, the application listener. */
    private final class Slot implements DialogContext {
        private final EventExecutor executor;
        private final Destination fallback;
        private final DialogSet set;
        // By DialogTimer ordinal, made with the first timer: most dialogs of a load test or a short call never arm
        // one, and an EnumMap was three objects per dialog for as long as it lasted.
        private Timeout[] timers;
        Dialog dialog;
        DialogListener listener;
        IncomingRequest incoming;
        ServerTransaction inviteTransaction;

        Slot(EventExecutor executor, Destination fallback, DialogSet set) {
            this.executor = executor;
            this.fallback = fallback;
            this.set = set;
        }

        private Destination destination(Uri hop) {
            // RFC 5626 5.3 / RFC 3581: a request to the very URI our INVITE was sent to goes the way the INVITE
            // went (a registered phone's source address or connection, which its Contact may not be).
            if (set != null && hop.equals(set.requestUri())) {
                return fallback;
            }
            Destination d = locator.locate(hop, fallback.transport());
            if (d == null || fallback.flow() != null && d.transport() == fallback.transport()
                    && d.address().equals(fallback.address())) {
                // Keep the connection the INVITE came on when the next hop is where it came from.
                return fallback;
            }
            if (set == null && behindNat(d)) {
                return fallback;
            }
            return d;
        }

        /**
         * A caller whose Contact is a private address (RFC 1918) other than the public one its INVITE came from is
         * behind NAT: requests to it go to that source, as responses do (RFC 3581 4).
         */
        private boolean behindNat(Destination d) {
            byte[] a = d.address().getAddress().getAddress();
            boolean privateAddress = a.length == 4 && (a[0] == 10 || (a[0] & 0xFF) == 172 && (a[1] & 0xF0) == 16
                    || (a[0] & 0xFF) == 192 && (a[1] & 0xFF) == 168);
            return privateAddress && !d.address().getAddress().equals(fallback.address().getAddress());
        }

        @Override
        public Via via(Uri nextHop) {
            return vias.via(destination(nextHop).transport());
        }

        @Override
        public void send(SipRequest request, Uri nextHop) {
            transactions.request(request, destination(nextHop), new ClientTransaction.Listener() {
                @Override
                public void onResponse(SipResponse response) {
                    deliver(dialog, new ResponseReceived(request, response));
                }

                @Override
                public void onFailure(TransactionFailure failure, String reason) {
                    deliver(dialog, new RequestFailed(request, failure, reason));
                }
            });
        }

        @Override
        public void sendAck(SipRequest ack, Uri nextHop) {
            transactions.sendAck(ack, destination(nextHop));
        }

        @Override
        public void schedule(DialogTimer timer, long delayMillis) {
            cancel(timer);
            Timeout[] self = new Timeout[1];
            self[0] = wheel.newTimeout(t -> runOn(executor, () -> {
                armed.decrementAndGet();
                // A timer cancelled after it fired but before this task ran stays silent.
                if (timers != null && timers[timer.ordinal()] == self[0]) {
                    timers[timer.ordinal()] = null;
                    deliver(dialog, new TimerFired(timer));
                }
            }), Math.max(delayMillis, 0), TimeUnit.MILLISECONDS);
            // Counted after arming succeeded; the firing task runs on this executor, so after this line.
            armed.incrementAndGet();
            if (timers == null) {
                timers = new Timeout[DIALOG_TIMERS];
            }
            timers[timer.ordinal()] = self[0];
        }

        @Override
        public void cancel(DialogTimer timer) {
            if (timers == null) {
                return;
            }
            Timeout t = timers[timer.ordinal()];
            timers[timer.ordinal()] = null;
            if (t != null && t.cancel()) {
                armed.decrementAndGet();
            }
        }

        @Override
        public int random(int bound) {
            return ThreadLocalRandom.current().nextInt(bound);
        }

        @Override
        public void provisional(SipResponse response) {
            if (set != null) {
                set.onEarlyProvisional(dialog, response);
            }
        }

        @Override
        public void requestArrived(SipRequest request, Responder responder) {
            Dialog d = dialog;
            IncomingRequest in = new IncomingRequest(request, null, d, (r, status, reason, type, body, headers) ->
                    runOn(executor, () -> deliver(d, new Answer(request, responder, status, reason, type, body,
                            headers))));
            DialogListener l = listener;
            safely(() -> l.onRequest(d, in));
        }

        @Override
        public void ackArrived(SipRequest ack) {
            DialogListener l = listener;
            safely(() -> l.onAck(dialog, ack));
        }

        @Override
        public void terminated(Termination reason, boolean confirmed) {
            if (timers != null) {
                for (Timeout t : timers) {
                    if (t != null && t.cancel()) {
                        armed.decrementAndGet();
                    }
                }
                timers = null;
            }
            dialogs.remove(dialog.id(), this);
            IncomingRequest in = incoming;
            if (in != null && !in.finished) {
                // The dialog answered its INVITE itself: 487 after a BYE on the early dialog, or 480 on hang-up.
                in.finished = true;
                invites.remove(inviteTransaction);
                if (reason == Termination.REMOTE_BYE) {
                    safely(() -> DialogLayer.this.listener.onCancel(in));
                }
            }
            if (confirmed) {
                DialogListener l = listener;
                safely(() -> l.onTerminated(dialog, reason));
            }
            if (set != null) {
                set.dialogEnded(dialog, () -> destination(dialog.nextHop()));
            }
        }
    }
}
