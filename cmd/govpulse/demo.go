package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
)

// demo runs `serve --demo`: on an empty store it seeds a year of simulated history through the
// real pipeline (contract NDJSON → parser → deliverer), then keeps streaming live simulated events
// through the ingest spool, as an upstream system would.
type demo struct {
	db       store.DB
	dims     store.Dimensions
	parser   *pipeline.Parser
	ingestor *pipeline.Ingestor
	scale    float64
	log      *slog.Logger
}

func (d *demo) options(now time.Time) pipeline.SimOptions {
	start := time.Date(now.Year()-1, now.Month(), now.Day(), 0, 0, 0, 0, models.Location)
	return pipeline.SimOptions{Start: start, Days: int(now.Sub(start).Hours()/24) + 1, Scale: d.scale, Seed: 1,
		Wards: d.dims.Wards, Units: d.dims.Units, Fields: d.dims.Fields, Categories: d.dims.Categories, Now: now}
}

// seed fills an empty store with a year of history; a store that already has dossiers is left
// as it is (a restart of the demo continues the same history).
func (d *demo) seed(ctx context.Context, now time.Time) error {
	var n []uint64
	if err := d.db.Query(ctx, &n, "SELECT count() FROM dossiers", nil); err != nil {
		return err
	}
	if n[0] > 0 {
		d.log.Info("demo data present; not seeding again", "dossiers", n[0])
		return nil
	}
	start := time.Now()
	d.log.Info("demo: seeding a year of simulated history", "scale", d.scale)
	// The store is empty and nothing else writes these ids: the seed skips the state look-ups.
	seeder := pipeline.NewDeliverer(store.Ingest{DB: d.db}, 0)
	seeder.AssumeNew = true
	manifest, err := storeSimulation(ctx, d.parser, seeder, d.options(now), "demo-seed", d.log)
	if err != nil {
		return fmt.Errorf("demo seed: %w", err)
	}
	d.log.Info("demo: seeded", "dossiers", manifest.Counts.Dossiers, "petitions", manifest.Counts.Petitions,
		"posts", manifest.Counts.Posts, "incidents", len(manifest.Incidents), "duration_ms", time.Since(start).Milliseconds())
	return nil
}

// storeSimulation simulates opts and stores the result through the real pipeline: each chunk as
// contract NDJSON through the parser (validation, masking, sentiment, ward and topic inference)
// and the deliverer. Batch tokens are "<token>-<n>", so storing the same simulation again with
// the same token changes nothing. Generating and parsing overlap with storing (a queue of two).
func storeSimulation(ctx context.Context, parser *pipeline.Parser, d *pipeline.Deliverer, opts pipeline.SimOptions,
	token string, log *slog.Logger) (pipeline.Manifest, error) {
	simCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	batches := make(chan pipeline.Batch, 2)
	stored := make(chan struct{})
	go func() {
		defer close(stored)
		n := 0
		for b := range batches {
			n++
			if simCtx.Err() == nil {
				if err := d.Store(simCtx, fmt.Sprintf("%s-%d", token, n), b); err != nil {
					stop(err) // the generator sees it and stops
				}
			}
		}
	}()
	manifest, err := pipeline.Simulate(opts, func(c pipeline.SimChunk) error {
		if err := context.Cause(simCtx); err != nil {
			return err
		}
		b, err := parseSimulated(simCtx, parser, c, log)
		if err != nil {
			return err
		}
		select {
		case batches <- b:
			return nil
		case <-simCtx.Done():
			return context.Cause(simCtx)
		}
	})
	close(batches)
	<-stored
	if err == nil {
		err = context.Cause(simCtx)
	}
	return manifest, err
}

// simulatedNDJSON encodes a chunk as contract NDJSON, one body per stream.
func simulatedNDJSON(c pipeline.SimChunk) (map[pipeline.Stream]*bytes.Buffer, error) {
	bodies := map[pipeline.Stream]*bytes.Buffer{pipeline.StreamDossiers: {}, pipeline.StreamPetitions: {}, pipeline.StreamPosts: {}}
	err := c.WriteNDJSON(bodies[pipeline.StreamDossiers], bodies[pipeline.StreamPetitions], bodies[pipeline.StreamPosts])
	return bodies, err
}

// parseSimulated turns simulated rows into stored rows the way upstream data would go.
func parseSimulated(ctx context.Context, parser *pipeline.Parser, c pipeline.SimChunk, log *slog.Logger) (pipeline.Batch, error) {
	bodies, err := simulatedNDJSON(c)
	if err != nil {
		return pipeline.Batch{}, err
	}
	var b pipeline.Batch
	for _, stream := range []pipeline.Stream{pipeline.StreamDossiers, pipeline.StreamPetitions, pipeline.StreamPosts} {
		if bodies[stream].Len() == 0 {
			continue
		}
		_, err := parser.Parse(ctx, stream, bodies[stream], pipeline.ParseOptions{Source: pipeline.SimSource}, func(ch pipeline.Chunk) error {
			b.Dossiers = append(b.Dossiers, ch.Dossiers...)
			b.Petitions = append(b.Petitions, ch.Petitions...)
			b.Posts = append(b.Posts, ch.Posts...)
			for _, rej := range ch.Rejected {
				// Simulated rows are valid by construction; a rejection is a defect worth seeing.
				log.Warn("simulated line rejected", "stream", stream, "line", rej.Line, "field", rej.Field, "reason", rej.Message)
			}
			return nil
		})
		if err != nil {
			return pipeline.Batch{}, err
		}
	}
	return b, nil
}

// stream sends live simulated events every interval until ctx ends, through the ingest spool.
func (d *demo) stream(ctx context.Context, from time.Time, every time.Duration) {
	live, err := pipeline.NewLive(d.options(from))
	if err != nil {
		d.log.Error("demo: live stream not started", "err", err)
		return
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			c := live.Next(now)
			if c.Len() == 0 {
				continue
			}
			bodies, err := simulatedNDJSON(c)
			if err != nil {
				d.log.Error("demo: encode live events", "err", err)
				continue
			}
			for stream, body := range bodies {
				if body.Len() == 0 {
					continue
				}
				reply, err := d.ingestor.Accept(ctx, stream, body, pipeline.ParseOptions{Source: pipeline.SimSource})
				if err != nil {
					d.log.Warn("demo: live events not accepted", "stream", stream, "err", err)
					continue
				}
				d.log.Debug("demo: live events", "stream", stream, "accepted", reply.Accepted, "rejected", reply.Rejected)
			}
		}
	}
}
