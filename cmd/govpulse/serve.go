package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/govpulse/govpulse/dashboard"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
)

func runServe(ctx context.Context, env *Env, cfg Config) error {
	log := cfg.logger(env.Stderr)
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()

	parser, dims, err := newParser(ctx, db, cfg)
	if err != nil {
		return err
	}
	spool, err := pipeline.OpenSpool(filepath.Join(cfg.Data, "spool"), pipeline.SpoolOptions{MaxBytes: cfg.SpoolMaxBytes})
	if err != nil {
		return err
	}
	for _, note := range spool.Recovered {
		log.Warn("spool repaired", "detail", note)
	}
	if st := spool.Stats(); st.Segments > 0 {
		log.Info("spool replay", "segments", st.Segments, "bytes", st.Bytes)
	}
	metrics := dashboard.NewMetrics(spool)
	deliverer := pipeline.NewDeliverer(store.Ingest{DB: db}, 0)
	deliverer.Observer = metrics
	// Delivery runs until the HTTP server has stopped taking requests; the final flush below
	// then drains what is left.
	deliverCtx, stopDelivery := context.WithCancel(context.Background())
	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		spool.Run(deliverCtx, deliverer.Deliver, func(seg string, err error) {
			metrics.DeliveryFailed()
			log.Warn("spool delivery failed; retrying", "segment", seg, "err", err)
		})
	}()
	defer func() {
		stopDelivery()
		<-delivered
		fctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		if err := spool.Close(fctx, deliverer.Deliver); err != nil {
			log.Error("final flush incomplete; the rest is delivered at the next start", "err", err)
		} else {
			log.Info("spool flushed")
		}
	}()

	ingestor := &pipeline.Ingestor{Parser: parser, Spool: spool, Observer: metrics}
	if cfg.Demo {
		d := &demo{db: db, dims: dims, parser: parser, ingestor: ingestor, scale: cfg.DemoScale, log: log}
		now := time.Now()
		if err := d.seed(ctx, now); err != nil {
			return err
		}
		demoCtx, stopDemo := context.WithCancel(ctx)
		defer stopDemo()
		go d.stream(demoCtx, now, 2*time.Second)
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if err := ensureAdmin(ctx, db, env.Stdout, ln.Addr().String()); err != nil {
		ln.Close()
		return err
	}
	cookieSecure, _ := dashboard.ParseCookieSecure(cfg.CookieSecure) // checked by Validate
	index, err := cfg.indexConfig()
	if err != nil {
		ln.Close()
		return err
	}
	// The dashboard's Ask page and briefing answer as `govpulse ask` and `govpulse brief` do.
	asst, err := newAssistant(ctx, cfg, db, log)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler: dashboard.New(dashboard.Options{DB: db, Index: index, Version: version, Logger: log,
			Ingest: ingestor, Tokens: store.Tokens{DB: db}, Spool: spool, Metrics: metrics, MetricsToken: cfg.MetricsToken,
			SessionTTL: cfg.SessionTTL, CookieSecure: cookieSecure, Assistant: asst}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	log.Info("listening", "addr", ln.Addr().String(), "engine", db.Info().Engine)
	if env.Listening != nil {
		env.Listening(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("stopping", "timeout", cfg.ShutdownTimeout.String())
	// The stop gets its own context: the one that asked us to stop is already cancelled.
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func runHealthcheck(ctx context.Context, _ *Env, cfg Config) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.HealthcheckURL, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", cfg.HealthcheckURL, resp.Status)
	}
	return nil
}
