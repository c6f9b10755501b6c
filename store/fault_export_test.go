package store

// Unreachable exposes unreachable to the external tests.
var Unreachable = unreachable
