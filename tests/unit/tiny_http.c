#include "tiny_http.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fan_provider.h"

#define MAX_CONN 32

typedef struct conn {
	int fd;
	char buf[4096];
	size_t len;
	int waiting;      /* a complete request waits for its answer */
	char path[256];
} conn;

struct tiny_http {
	int listener, wake[2];
	char url[64];
	int batch, quiet_ms, hold_items;
	pthread_t thread;
	pthread_mutex_t lock;
	tiny_stats stats;
	conn conns[MAX_CONN];
	long long last_arrival_ms;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void answer(tiny_http *s, conn *c)
{
	char body[2048], head[256];
	int status;
	fan_world(c->path, &status, body, sizeof body);
	int n = snprintf(head, sizeof head,
	                 "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
	                 status, strlen(body));
	if (write(c->fd, head, (size_t)n) < 0 || write(c->fd, body, strlen(body)) < 0)
		c->len = 0; /* the client went away; its close is seen by the next read */
	c->waiting = 0;
	pthread_mutex_lock(&s->lock);
	s->stats.pending--;
	pthread_mutex_unlock(&s->lock);
}

static int held(const tiny_http *s, const conn *c)
{
	return s->hold_items && strncmp(c->path, "/items/", 7) == 0;
}

/* A request head is complete: note it and wait to answer. */
static void arrived(tiny_http *s, conn *c)
{
	char *end = strstr(c->buf, "\r\n\r\n");
	*end = '\0';
	if (sscanf(c->buf, "GET %255s HTTP/1.1", c->path) != 1)
		snprintf(c->path, sizeof c->path, "/unknown");
	pthread_mutex_lock(&s->lock);
	s->stats.requests++;
	if (++s->stats.pending > s->stats.max_pending)
		s->stats.max_pending = s->stats.pending;
	for (char *line = strstr(c->buf, "\r\n"); line; line = strstr(line + 2, "\r\n"))
		if (strncasecmp(line + 2, "User-Agent: ", 12) == 0) {
			char *eol = strstr(line + 2, "\r\n");
			size_t n = eol ? (size_t)(eol - line - 14) : strlen(line + 14);
			if (n >= sizeof s->stats.user_agent)
				n = sizeof s->stats.user_agent - 1;
			memcpy(s->stats.user_agent, line + 14, n);
			s->stats.user_agent[n] = '\0';
		}
	pthread_mutex_unlock(&s->lock);
	c->waiting = 1;
	c->len = 0; /* GET: no body to keep */
	s->last_arrival_ms = now_ms();
}

static void drop(tiny_http *s, conn *c)
{
	close(c->fd);
	pthread_mutex_lock(&s->lock);
	s->stats.closed++;
	if (c->waiting)
		s->stats.pending--;
	pthread_mutex_unlock(&s->lock);
	memset(c, 0, sizeof *c);
	c->fd = -1;
}

static void *serve(void *p)
{
	tiny_http *s = p;
	for (;;) {
		struct pollfd fds[MAX_CONN + 2];
		fds[0] = (struct pollfd){ s->wake[0], POLLIN, 0 };
		fds[1] = (struct pollfd){ s->listener, POLLIN, 0 };
		for (int i = 0; i < MAX_CONN; i++)
			fds[i + 2] = (struct pollfd){ s->conns[i].fd, POLLIN, 0 };
		if (poll(fds, MAX_CONN + 2, 20) < 0)
			continue;
		if (fds[0].revents)
			return NULL;
		if (fds[1].revents & POLLIN) {
			int fd = accept(s->listener, NULL, NULL);
			int i = 0;
			while (i < MAX_CONN && s->conns[i].fd >= 0)
				i++;
			if (fd >= 0 && i < MAX_CONN) {
				s->conns[i].fd = fd;
				pthread_mutex_lock(&s->lock);
				s->stats.accepted++;
				pthread_mutex_unlock(&s->lock);
			} else if (fd >= 0) {
				close(fd);
			}
		}
		for (int i = 0; i < MAX_CONN; i++) {
			conn *c = &s->conns[i];
			if (c->fd < 0 || !(fds[i + 2].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
			if (n <= 0) {
				drop(s, c);
				continue;
			}
			c->len += (size_t)n;
			c->buf[c->len] = '\0';
			if (!c->waiting && strstr(c->buf, "\r\n\r\n"))
				arrived(s, c);
		}
		/* Answer the batch, or everything once the client has gone quiet. */
		int waiting = 0;
		for (int i = 0; i < MAX_CONN; i++)
			waiting += s->conns[i].fd >= 0 && s->conns[i].waiting && !held(s, &s->conns[i]);
		if (waiting && (waiting >= s->batch || now_ms() - s->last_arrival_ms >= s->quiet_ms))
			for (int i = 0; i < MAX_CONN; i++)
				if (s->conns[i].fd >= 0 && s->conns[i].waiting && !held(s, &s->conns[i]))
					answer(s, &s->conns[i]);
	}
}

tiny_http *tiny_http_start(int batch, int quiet_ms, int hold_items)
{
	tiny_http *s = calloc(1, sizeof *s);
	ck_assert_ptr_nonnull(s);
	s->batch = batch;
	s->quiet_ms = quiet_ms;
	s->hold_items = hold_items;
	for (int i = 0; i < MAX_CONN; i++)
		s->conns[i].fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	ck_assert_int_eq(pipe(s->wake), 0);
	s->listener = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(s->listener, 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof a;
	ck_assert_int_eq(bind(s->listener, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(s->listener, 64), 0);
	ck_assert_int_eq(getsockname(s->listener, (struct sockaddr *)&a, &len), 0);
	snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", ntohs(a.sin_port));
	ck_assert_int_eq(pthread_create(&s->thread, NULL, serve, s), 0);
	return s;
}

const char *tiny_http_url(const tiny_http *s)
{
	return s->url;
}

tiny_stats tiny_http_stats(tiny_http *s)
{
	pthread_mutex_lock(&s->lock);
	tiny_stats copy = s->stats;
	pthread_mutex_unlock(&s->lock);
	return copy;
}

void tiny_http_stop(tiny_http *s)
{
	if (write(s->wake[1], "x", 1) != 1)
		ck_abort_msg("cannot wake the server");
	pthread_join(s->thread, NULL);
	for (int i = 0; i < MAX_CONN; i++)
		if (s->conns[i].fd >= 0)
			close(s->conns[i].fd);
	close(s->listener);
	close(s->wake[0]);
	close(s->wake[1]);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
