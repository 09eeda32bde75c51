package dev.dialtone.sip;

import dev.dialtone.sip.dialog.DialogConfig;
import dev.dialtone.sip.dialog.DialogLayer;
import dev.dialtone.sip.dialog.Locator;
import dev.dialtone.sip.dns.ServerLocator;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.transaction.LoopTimer;
import dev.dialtone.sip.transaction.TimerConfig;
import dev.dialtone.sip.transaction.TransactionLayer;
import dev.dialtone.sip.transport.SipTransportLayer;
import dev.dialtone.sip.transport.Transport;
import dev.dialtone.sip.transport.TransportConfig;
import dev.dialtone.sip.dialog.ViaFactory;
import io.netty.channel.IoEventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The SIP stack in one piece: transports, transactions and dialogs on one event-loop group, whose loops also run
 * their timers, plus the RFC 3263 server locator. What an application (the engine, the bench tools) builds on.
 *
 * <pre>{@code
 * SipStack stack = SipStack.builder()
 *         .transport(TransportConfig.builder().bindHost("127.0.0.1").port(5060).tlsPort(0).build())
 *         .listener(myApplication)
 *         .start();
 * }</pre>
 */
public final class SipStack implements AutoCloseable {
    private final IoEventLoopGroup group;
    private final LoopTimer wheel;
    private final SipTransportLayer transport;
    private final TransactionLayer transactions;
    private final DialogLayer dialogs;
    private final ServerLocator locator;

    private SipStack(Builder b) throws IOException {
        group = SipTransportLayer.newEventLoopGroup(b.threads);
        // Every transaction and dialog timer runs on the event loop of its call (see LoopTimer).
        wheel = new LoopTimer(group);
        try {
            transport = new SipTransportLayer(b.transport, group);
            wheel.holdWhile(transport::inputPending);
            transactions = new TransactionLayer(b.timers, transport, wheel, transport.executors());
            ServerLocator.Builder lb = ServerLocator.builder(group.next())
                    .datagramChannelType(transport.datagramChannelType())
                    .socketChannelType(transport.socketChannelType());
            if (b.nameServers != null) {
                lb.nameServers(b.nameServers);
            }
            locator = lb.build();
            // Bind first: our Contact must carry the port actually bound (the configuration may say 0). A request
            // arriving before the dialog layer is in place is answered 503 by the transaction layer.
            transport.start(transactions::receive);
            Address contact = Address.of(transport.contactUri(Transport.UDP, b.contactUser));
            DialogConfig dialogConfig = b.dialogConfig.apply(DialogConfig.defaults(contact));
            ViaFactory vias = t -> transport.via(t, ViaFactory.newBranch());
            dialogs = new DialogLayer(transactions, wheel, dialogConfig, vias, Locator.numeric(),
                    Objects.requireNonNull(b.listener, "a listener is required"));
            dialogs.setContacts(t -> Address.of(transport.contactUri(t, b.contactUser)));
            transactions.setUser(dialogs);
        } catch (IOException | RuntimeException e) {
            wheel.stop();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public SipTransportLayer transport() {
        return transport;
    }

    public TransactionLayer transactions() {
        return transactions;
    }

    public DialogLayer dialogs() {
        return dialogs;
    }

    /** RFC 3263: where a SIP URI's requests go. */
    public ServerLocator locator() {
        return locator;
    }

    public IoEventLoopGroup eventLoopGroup() {
        return group;
    }

    /** Stops listening, cancels every timer and shuts the event loops down. */
    @Override
    public void close() {
        locator.close();
        transport.close();
        wheel.stop();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    public static final class Builder {
        private TransportConfig transport = TransportConfig.builder().build();
        private TimerConfig timers = TimerConfig.DEFAULT;
        private UnaryOperator<DialogConfig> dialogConfig = UnaryOperator.identity();
        private DialogLayer.Listener listener;
        private List<InetSocketAddress> nameServers;
        private String contactUser;
        private int threads = 0;

        public Builder transport(TransportConfig transport) {
            this.transport = transport;
            return this;
        }

        public Builder timers(TimerConfig timers) {
            this.timers = timers;
            return this;
        }

        /** Adjusts the dialog settings (session timers, 100rel) derived from the transport's Contact. */
        public Builder dialogConfig(UnaryOperator<DialogConfig> adjust) {
            this.dialogConfig = adjust;
            return this;
        }

        public Builder listener(DialogLayer.Listener listener) {
            this.listener = listener;
            return this;
        }

        /** DNS servers for RFC 3263 lookups; the system's when not set. */
        public Builder nameServers(List<InetSocketAddress> nameServers) {
            this.nameServers = nameServers;
            return this;
        }

        /** The user part of our Contact URI. */
        public Builder contactUser(String user) {
            this.contactUser = user;
            return this;
        }

        /** Event-loop threads; 0 means Netty's default (twice the cores). */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public SipStack start() throws IOException {
            return new SipStack(this);
        }
    }
}
