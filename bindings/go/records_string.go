package billtap

// String methods, so that fmt's %v and %s print a record as its normalized
// JSON (the CLI's line) instead of pointers and the bytes of Raw.

// String is the record's normalized JSON.
func (r Customer) String() string { return string(r.JSON()) }

// String is the record's normalized JSON.
func (r Plan) String() string { return string(r.JSON()) }

// String is the record's normalized JSON, items included.
func (r Subscription) String() string { return string(r.JSON()) }

// String is the item's normalized JSON.
func (r SubscriptionItem) String() string { return string(r.JSON()) }

// String is the record's normalized JSON.
func (r Transaction) String() string { return string(r.JSON()) }

// String is the record's normalized JSON, lines included.
func (r Invoice) String() string { return string(r.JSON()) }

// String is the line's normalized JSON.
func (r InvoiceLine) String() string { return string(r.JSON()) }

// String is the record's normalized JSON.
func (r GenericRecord) String() string { return string(r.JSON()) }
