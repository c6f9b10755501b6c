// Package govpulse is the root of the govpulse module; it holds only repository-wide tests
// (deps_test.go). The product is cmd/govpulse.
package govpulse
