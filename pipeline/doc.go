// Package pipeline moves data in: sources (HTTP, files, simulator) -> decode -> validate ->
// normalise -> enrich (sentiment, ward matching, PII masking) -> durable spool -> batch -> store.
// It writes through a Writer interface it declares, so it never depends on an engine.
//
// It may import models only (plus golang.org/x/text and gopkg.in/yaml.v3).
package pipeline
