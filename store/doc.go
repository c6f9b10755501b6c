// Package store is govpulse's access to ClickHouse behind one small interface, DB, with two
// engines: the embedded chDB library (loaded at run time through purego, no cgo) and a ClickHouse
// server reached through clickhouse-go/v2's native protocol. Both run identical SQL with named,
// bound parameters ({name:Type}), scan results into Go values with the same column codecs, and
// insert model rows as Native blocks. The package also holds the migrations runner.
//
// It may import models and sql (as sqlfiles); it is the only package that imports clickhouse-go
// and purego.
package store
