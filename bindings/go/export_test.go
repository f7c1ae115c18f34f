package billtap

// OpenIterators is how many iterators are open on c, for leak tests.
func OpenIterators(c *Client) int {
	c.cmu.Lock()
	defer c.cmu.Unlock()
	return len(c.iters)
}

// RecordViews is one C record decoded by kind, decoded generically, and as
// the C library's own JSON.
type RecordViews = recordViews

// Inspect makes it call f with every record Next returns, seen every way.
func Inspect(it *Iterator, f func(RecordViews)) { it.inspect = f }

// ViewsAt reads a C record the tests built (a *billtap_record).
var ViewsAt = viewsAt

// Vocabularies are the word lists Known uses.
var Vocabularies = vocabularies
