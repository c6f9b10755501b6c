// Package dashboard is govpulse's web layer: the gin router with every route in one function,
// auth, handlers, HTML templates, static assets, go-echarts chart builders and exports. Handlers
// bind input, make one call into analytics or the assistant, and render; no SQL here.
//
// It may import models, store (through small interfaces it declares), analytics, assistant,
// pipeline, sql and prompts; it is the only package that imports gin and go-echarts.
package dashboard
