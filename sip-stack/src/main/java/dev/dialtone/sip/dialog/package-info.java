/**
 * The dialog layer (RFC 3261 12-15, RFC 3311 UPDATE, RFC 4028 session timers, RFC 3262 PRACK as UAC), the
 * transaction user above {@link dev.dialtone.sip.transaction.TransactionLayer}.
 *
 * <p>The application talks to {@link dev.dialtone.sip.dialog.DialogLayer}: {@code invite(..)} returns a
 * {@link dev.dialtone.sip.dialog.DialogSet} (one outgoing INVITE and its forks) and reports to an
 * {@link dev.dialtone.sip.dialog.InviteListener}; new incoming INVITEs arrive as
 * {@link dev.dialtone.sip.dialog.IncomingRequest}s to answer; later events of a
 * {@link dev.dialtone.sip.dialog.Dialog} go to its {@link dev.dialtone.sip.dialog.DialogListener}. Everything of a
 * call runs on the executor its Call-ID maps to, so nothing here takes a lock.
 */
package dev.dialtone.sip.dialog;
