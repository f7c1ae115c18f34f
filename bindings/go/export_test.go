package billtap

// OpenIterators is how many iterators are open on c, for leak tests.
func OpenIterators(c *Client) int {
	c.cmu.Lock()
	defer c.cmu.Unlock()
	return len(c.iters)
}
