// Package analytics computes what leaders read: KPIs for any period and scope, series, period
// comparisons, anomaly detection, forecasts, the Decision 766 index and rankings. Math is pure Go
// on models where possible; SQL comes from the sql package's query files, run through the small
// Querier interface this package declares.
//
// It may import models, store and sql.
package analytics
