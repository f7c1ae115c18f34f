package billtap

// #include <billtap.h>
import "C"

// release ends an iteration that is over (its end, an error, a record that
// would not decode): it keeps the final checkpoint and counts, frees the C
// iterator, and when no other iterator of the client is open, closes the
// client's idle connections (as Close does) and frees its transfer handles
// (billtap_client_close_idle). So a Client dropped without Close holds no
// socket while it waits for the garbage collector, and the C memory it
// still holds is small. The next iterator opens a new connection. Caller
// holds client.mu.
func (it *Iterator) release() {
	s := it.s
	if s.ptr == nil {
		return
	}
	var p *C.char
	if C.billtap_iter_checkpoint(&p, s.ptr) == 0 {
		s.final = C.GoString(p)
		s.ended = true
	}
	// An incremental pass that ran to its end leaves its sync token (ENOTFOUND
	// otherwise: nothing to keep).
	if it.done && C.billtap_iter_sync_token(&p, s.ptr) == 0 {
		s.syncToken = C.GoString(p)
	}
	s.free()
	s.client.closeIdleIfUnused()
}

// closeIdleIfUnused closes the client's idle connections when none of its
// iterators is open. Caller holds c.mu.
func (c *Client) closeIdleIfUnused() {
	c.cmu.Lock()
	idle := len(c.iters) == 0 && c.ptr != nil
	c.cmu.Unlock()
	if idle {
		// Cannot fail: no iterator of the client is alive, and ptr is not NULL.
		C.billtap_client_close_idle(c.ptr)
	}
}
