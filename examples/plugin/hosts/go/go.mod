module example.com/ledgerly-extract-go

go 1.19

require github.com/billtap/billtap/bindings/go v0.0.0

// The binding from this source tree; outside it, point this at your checkout or drop
// the line once the module is published.
replace github.com/billtap/billtap/bindings/go => ../../../../bindings/go
