package dev.dialtone.sip.transport;

import dev.dialtone.sip.transaction.TimerConfig;
import dev.dialtone.sip.transaction.TransactionLayer;
import io.netty.channel.IoEventLoopGroup;
import io.netty.util.Timer;

import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * A transport layer with a transaction layer on top, wired the way the stack facade wires them: the transactions
 * run on the transport's event loops, send through the transport, and receive everything it decodes.
 */
final class TransactionPeer implements AutoCloseable {
    final SipTransportLayer transport;
    final TransactionLayer transactions;

    TransactionPeer(IoEventLoopGroup group, TransportConfig config, TimerConfig timers, Timer wheel,
                    TransactionLayer.User user) throws IOException {
        this(group, config, timers, wheel, user, UnaryOperator.identity());
    }

    /** {@code tap} may wrap the transport as the transaction layer sees it, to watch what it sends and when. */
    TransactionPeer(IoEventLoopGroup group, TransportConfig config, TimerConfig timers, Timer wheel,
                    TransactionLayer.User user, UnaryOperator<MessageSender> tap) throws IOException {
        transport = new SipTransportLayer(config, group);
        transactions = new TransactionLayer(timers, tap.apply(transport), wheel, transport.executors());
        transactions.setUser(user);
        transport.start(transactions::receive);
    }

    @Override
    public void close() {
        transport.close();
    }
}
