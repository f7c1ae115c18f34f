/*
 * fork(): a client or iterator used in a child process never shares a connection or a
 * provider session with its parent. Calls that may touch either look at the process id
 * first (getpid() is cheap next to a request; an atfork handler would need global state).
 *
 * In the child:
 *  - the provider session is marked stale, so iterators created from now on get one of
 *    their own (a cached token is not carried on as if the processes were one client);
 *  - transfers the parent had running are forgotten, never aborted: aborting would act on
 *    the parent's connections. Their requests are sent again, unchanged, by the child;
 *  - the built-in transport abandons the parent's curl handles by itself and opens new
 *    connections (src/http/curl_transport.c says why it must not clean them up). A host
 *    transport is the host's to make fork-safe (docs/bindings.md).
 */
#include <unistd.h>

#include "core.h"

void bt_fork_check_client(billtap_client *c)
{
	pid_t pid = getpid();
	if (c->pid == pid)
		return;
	c->pid = pid;
	c->session_stale = 1;
	c->running = NULL; /* the parent's transfers; each iterator forgets its own */
}

void bt_fork_check_iter(billtap_iter *it)
{
	bt_fork_check_client(it->client);
	pid_t pid = getpid();
	if (it->pid == pid)
		return;
	it->pid = pid;
	bt_flights_forget_transfers(it);
}
