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
	db        store.DB
	dims      store.Dimensions
	parser    *pipeline.Parser
	deliverer *pipeline.Deliverer
	ingestor  *pipeline.Ingestor
	scale     float64
	log       *slog.Logger
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
	// Generating and parsing overlap with storing (a queue of two batches).
	seeder := pipeline.NewDeliverer(store.Ingest{DB: d.db}, 0)
	seeder.AssumeNew = true
	seedCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	batches := make(chan pipeline.Batch, 2)
	stored := make(chan struct{})
	go func() {
		defer close(stored)
		n := 0
		for b := range batches {
			n++
			if seedCtx.Err() == nil {
				if err := seeder.Store(seedCtx, fmt.Sprintf("demo-seed-%d", n), b); err != nil {
					stop(err) // the generator sees it and stops
				}
			}
		}
	}()
	manifest, err := pipeline.Simulate(d.options(now), func(c pipeline.SimChunk) error {
		if err := context.Cause(seedCtx); err != nil {
			return err
		}
		b, err := d.parse(seedCtx, c, pipeline.SimSource)
		if err != nil {
			return err
		}
		select {
		case batches <- b:
			return nil
		case <-seedCtx.Done():
			return context.Cause(seedCtx)
		}
	})
	close(batches)
	<-stored
	if err == nil {
		err = context.Cause(seedCtx)
	}
	if err != nil {
		return fmt.Errorf("demo seed: %w", err)
	}
	d.log.Info("demo: seeded", "dossiers", manifest.Counts.Dossiers, "petitions", manifest.Counts.Petitions,
		"posts", manifest.Counts.Posts, "incidents", len(manifest.Incidents), "duration_ms", time.Since(start).Milliseconds())
	return nil
}

// parse turns simulated rows into stored rows the way upstream data would go: as contract NDJSON
// through the parser (validation, masking, sentiment, ward and topic inference).
func (d *demo) parse(ctx context.Context, c pipeline.SimChunk, source string) (pipeline.Batch, error) {
	var ds, ps, pos bytes.Buffer
	if err := c.WriteNDJSON(&ds, &ps, &pos); err != nil {
		return pipeline.Batch{}, err
	}
	var b pipeline.Batch
	for _, in := range []struct {
		stream pipeline.Stream
		buf    *bytes.Buffer
	}{{pipeline.StreamDossiers, &ds}, {pipeline.StreamPetitions, &ps}, {pipeline.StreamPosts, &pos}} {
		if in.buf.Len() == 0 {
			continue
		}
		_, err := d.parser.Parse(ctx, in.stream, in.buf, pipeline.ParseOptions{Source: source}, func(ch pipeline.Chunk) error {
			b.Dossiers = append(b.Dossiers, ch.Dossiers...)
			b.Petitions = append(b.Petitions, ch.Petitions...)
			b.Posts = append(b.Posts, ch.Posts...)
			for _, rej := range ch.Rejected {
				// Simulated rows are valid by construction; a rejection is a defect worth seeing.
				d.log.Warn("demo: simulated line rejected", "stream", in.stream, "line", rej.Line, "field", rej.Field, "reason", rej.Message)
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
			var ds, ps, pos bytes.Buffer
			if err := c.WriteNDJSON(&ds, &ps, &pos); err != nil {
				d.log.Error("demo: encode live events", "err", err)
				continue
			}
			for stream, buf := range map[pipeline.Stream]*bytes.Buffer{pipeline.StreamDossiers: &ds, pipeline.StreamPetitions: &ps, pipeline.StreamPosts: &pos} {
				if buf.Len() == 0 {
					continue
				}
				reply, err := d.ingestor.Accept(ctx, stream, buf, pipeline.ParseOptions{Source: pipeline.SimSource})
				if err != nil {
					d.log.Warn("demo: live events not accepted", "stream", stream, "err", err)
					continue
				}
				d.log.Debug("demo: live events", "stream", stream, "accepted", reply.Accepted, "rejected", reply.Rejected)
			}
		}
	}
}
