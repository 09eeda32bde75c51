/*
 * The floor for the media relay benchmark: the least a UDP relay can do per packet on Linux.
 *
 * Same topology as Dialtone's RtpRelay: per session two sockets (leg A, leg B); what arrives on
 * one leg leaves through the other towards that leg's far end. The far end is learnt from the
 * first packet a leg receives (symmetric latching, RFC 4961); later packets from another source
 * are dropped, and packets for a leg whose far end is not known yet are dropped too. No RTCP
 * sockets, no statistics, no re-latching: nothing but the forwarding.
 *
 * One thread, level-triggered epoll; per ready socket one recvmmsg() and one sendmmsg() on the
 * peer socket.
 *
 *   gcc -O2 -Wall -o forwarder forwarder.c
 *   forwarder ADDRESS FIRST_PORT SESSIONS PORTS_FILE
 *
 * Binds 2 x SESSIONS sockets on even ports from FIRST_PORT up (skipping ports in use), then writes
 * PORTS_FILE (by rename, so it appears complete): one line "PORT_A PORT_B" per session. Runs until
 * SIGTERM or SIGINT, then prints its counters on stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define MAX_DATAGRAM 2048
#define SOCKET_BUFFER (256 * 1024) /* as RtpRelayConfig's default */

struct leg {
    int fd;
    int latched;
    struct sockaddr_in remote;
    struct leg *peer;
};

static volatile sig_atomic_t stopping;
static unsigned long long relayed, dropped;

static unsigned char buffers[BATCH][MAX_DATAGRAM];
static struct iovec rx_iov[BATCH], tx_iov[BATCH];
static struct sockaddr_in sources[BATCH];
static struct mmsghdr rx[BATCH], tx[BATCH];

static void on_signal(int sig)
{
    (void) sig;
    stopping = 1;
}

static int same_address(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
    return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
}

static void forward(struct leg *in)
{
    for (int i = 0; i < BATCH; i++) {
        rx[i].msg_hdr.msg_namelen = sizeof(sources[i]); /* the kernel overwrites it */
    }
    int n = recvmmsg(in->fd, rx, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) {
        return;
    }
    struct leg *out = in->peer;
    int count = 0;
    for (int i = 0; i < n; i++) {
        if (!in->latched) {
            in->remote = sources[i];
            in->latched = 1;
        } else if (!same_address(&sources[i], &in->remote)) {
            dropped++;
            continue;
        }
        if (!out->latched) {
            dropped++;
            continue;
        }
        tx_iov[count].iov_base = buffers[i];
        tx_iov[count].iov_len = rx[i].msg_len;
        tx[count].msg_hdr.msg_name = &out->remote;
        tx[count].msg_hdr.msg_namelen = sizeof(out->remote);
        count++;
    }
    int sent = 0;
    while (sent < count) {
        int r = sendmmsg(out->fd, tx + sent, count - sent, MSG_DONTWAIT);
        if (r <= 0) {
            break; /* a full socket buffer: drop the rest, as the Netty relay does when unwritable */
        }
        sent += r;
    }
    relayed += sent;
    dropped += count - sent;
}

static int open_leg(struct in_addr address, int *port, int last_port)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        perror("socket");
        exit(1);
    }
    int size = SOCKET_BUFFER;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
    struct sockaddr_in local = {.sin_family = AF_INET, .sin_addr = address};
    for (; *port <= last_port; *port += 2) {
        local.sin_port = htons(*port);
        if (bind(fd, (struct sockaddr *) &local, sizeof(local)) == 0) {
            return fd;
        }
        if (errno != EADDRINUSE) {
            perror("bind");
            exit(1);
        }
    }
    fprintf(stderr, "no free port up to %d\n", last_port);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s ADDRESS FIRST_PORT SESSIONS PORTS_FILE\n", argv[0]);
        return 2;
    }
    struct in_addr address;
    if (inet_pton(AF_INET, argv[1], &address) != 1) {
        fprintf(stderr, "bad IPv4 address %s\n", argv[1]);
        return 2;
    }
    int port = (atoi(argv[2]) + 1) & ~1;
    int sessions = atoi(argv[3]);
    if (port <= 0 || sessions <= 0) {
        fprintf(stderr, "bad port or session count\n");
        return 2;
    }

    for (int i = 0; i < BATCH; i++) {
        rx_iov[i].iov_base = buffers[i];
        rx_iov[i].iov_len = MAX_DATAGRAM;
        rx[i].msg_hdr.msg_iov = &rx_iov[i];
        rx[i].msg_hdr.msg_iovlen = 1;
        rx[i].msg_hdr.msg_name = &sources[i];
        tx[i].msg_hdr.msg_iov = &tx_iov[i];
        tx[i].msg_hdr.msg_iovlen = 1;
    }

    int epoll = epoll_create1(0);
    struct leg *legs = calloc(2 * (size_t) sessions, sizeof(*legs));
    int *ports = calloc(2 * (size_t) sessions, sizeof(*ports));
    if (epoll < 0 || legs == NULL || ports == NULL) {
        perror("setup");
        return 1;
    }
    for (int i = 0; i < 2 * sessions; i++) {
        legs[i].fd = open_leg(address, &port, 65534);
        legs[i].peer = &legs[i ^ 1];
        ports[i] = port;
        port += 2;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &legs[i]};
        if (epoll_ctl(epoll, EPOLL_CTL_ADD, legs[i].fd, &ev) != 0) {
            perror("epoll_ctl");
            return 1;
        }
    }

    char partial[4096];
    snprintf(partial, sizeof(partial), "%s.partial", argv[4]);
    FILE *file = fopen(partial, "w");
    if (file == NULL) {
        perror(partial);
        return 1;
    }
    for (int s = 0; s < sessions; s++) {
        fprintf(file, "%d %d\n", ports[2 * s], ports[2 * s + 1]);
    }
    if (fclose(file) != 0 || rename(partial, argv[4]) != 0) {
        perror(argv[4]);
        return 1;
    }

    struct sigaction action = {.sa_handler = on_signal};
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);

    struct epoll_event events[256];
    while (!stopping) {
        int n = epoll_wait(epoll, events, 256, 500);
        for (int i = 0; i < n; i++) {
            forward(events[i].data.ptr);
        }
    }
    fprintf(stderr, "forwarder: relayed=%llu dropped=%llu\n", relayed, dropped);
    return 0;
}
