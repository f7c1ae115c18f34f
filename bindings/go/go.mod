module github.com/billtap/billtap/bindings/go

go 1.19
