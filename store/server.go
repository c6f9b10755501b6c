package store

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"reflect"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// ServerOptions configure the server engine.
type ServerOptions struct {
	// URL is clickhouse://user:pass@host:9000/db?secure=true&skip_verify=false (clickhouse-go DSN).
	URL      string
	Password string // overrides the URL's password when set (from a secret file)
	Database string // overrides the URL's database when set
	// TLSCAFile, when set, turns TLS on and trusts the CA certificates in this PEM file.
	TLSCAFile          string
	InsecureSkipVerify bool
	DialTimeout        time.Duration // 0 means 5 s
	ReadOnly           ReadOnlyLimits
}

// Server is a DB on a ClickHouse server over the native protocol.
type Server struct {
	conn     driver.Conn
	database string
	location string
	version  string
	roCtx    clickhouse.Settings
}

var _ DB = (*Server)(nil)

// OpenServer connects to a ClickHouse server, creating the database when it is missing.
func OpenServer(ctx context.Context, opts ServerOptions) (*Server, error) {
	o, err := clickhouse.ParseDSN(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("store: parse ClickHouse URL: %w", err)
	}
	if opts.Password != "" {
		o.Auth.Password = opts.Password
	}
	if opts.Database != "" {
		o.Auth.Database = opts.Database
	}
	if o.Auth.Database == "" {
		o.Auth.Database = "govpulse"
	}
	if !validIdentifier(o.Auth.Database) {
		return nil, fmt.Errorf("store: invalid database name %q (letters, digits and _ only)", o.Auth.Database)
	}
	if opts.TLSCAFile != "" || opts.InsecureSkipVerify {
		if o.TLS == nil {
			o.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		o.TLS.InsecureSkipVerify = opts.InsecureSkipVerify
		if opts.TLSCAFile != "" {
			pem, err := os.ReadFile(opts.TLSCAFile)
			if err != nil {
				return nil, fmt.Errorf("store: read TLS CA file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("store: TLS CA file %s holds no PEM certificate", opts.TLSCAFile)
			}
			o.TLS.RootCAs = pool
		}
	}
	o.DialTimeout = opts.DialTimeout
	if o.DialTimeout == 0 {
		o.DialTimeout = 5 * time.Second
	}
	if o.Settings == nil {
		o.Settings = clickhouse.Settings{}
	}
	o.Settings["session_timezone"] = TimeZone
	database := o.Auth.Database
	location := fmt.Sprint(o.Addr)

	conn, err := clickhouse.Open(o)
	if err == nil {
		err = conn.Ping(ctx)
	}
	var ex *clickhouse.Exception
	if errors.As(err, &ex) && ex.Code == 81 { // UNKNOWN_DATABASE: create it, then reconnect.
		conn.Close()
		o.Auth.Database = "default"
		boot, err := clickhouse.Open(o)
		if err != nil {
			return nil, fmt.Errorf("store: connect %s: %w", location, err)
		}
		err = boot.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+database)
		boot.Close()
		if err != nil {
			return nil, fmt.Errorf("store: create database %s: %w", database, engineError(err))
		}
		o.Auth.Database = database
		conn, err = clickhouse.Open(o)
		if err == nil {
			err = conn.Ping(ctx)
		}
	}
	if err != nil {
		if conn != nil {
			conn.Close()
		}
		if isTransportError(err) {
			// Matches ErrUnreachable; the message still says what was being done.
			return nil, fmt.Errorf("store: connect ClickHouse server %s: %w (%w)", location, err, ErrUnreachable)
		}
		return nil, fmt.Errorf("store: connect ClickHouse server %s: %w", location, engineError(err))
	}
	s := &Server{conn: conn, database: database, location: location, roCtx: clickhouse.Settings{"readonly": "1"}}
	for k, v := range opts.ReadOnly.settings() {
		s.roCtx[k] = v
	}
	if sv, err := conn.ServerVersion(); err == nil {
		s.version = fmt.Sprintf("%d.%d.%d", sv.Version.Major, sv.Version.Minor, sv.Version.Patch)
	}
	return s, nil
}

// fail turns a driver error into the store's: an engine exception into *EngineError, a lost or
// refused connection into ErrUnreachable naming the server. The driver's pool closes a broken
// connection and dials afresh on the next call, so the same Server recovers when the server
// comes back.
func (s *Server) fail(err error) error { return unreachable(s.location, engineError(err)) }

// engineError converts a clickhouse-go exception into EngineError.
func engineError(err error) error {
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		return &EngineError{Code: int(ex.Code), Message: ex.Message}
	}
	return err
}

func (s *Server) ctx(ctx context.Context, params Params, settings clickhouse.Settings) (context.Context, error) {
	p, err := formatParams(params)
	if err != nil {
		return nil, err
	}
	var opts []clickhouse.QueryOption
	if len(p) > 0 {
		opts = append(opts, clickhouse.WithParameters(p))
	}
	if settings != nil {
		opts = append(opts, clickhouse.WithSettings(settings))
	}
	return clickhouse.Context(ctx, opts...), nil
}

// Exec implements DB.
func (s *Server) Exec(ctx context.Context, query string, params Params) error {
	qctx, err := s.ctx(ctx, params, nil)
	if err != nil {
		return err
	}
	return s.fail(s.conn.Exec(qctx, query))
}

// Query implements DB.
func (s *Server) Query(ctx context.Context, dest any, query string, params Params) error {
	qctx, err := s.ctx(ctx, params, nil)
	if err != nil {
		return err
	}
	rows, err := s.conn.Query(qctx, query)
	if err != nil {
		return s.fail(err)
	}
	defer rows.Close()
	sink, err := newRowSink(dest, rows.Columns())
	if err != nil {
		return err
	}
	var ptrs []any
	for rows.Next() {
		ptrs = sink.next(ptrs)
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("store: scan: %w", err)
		}
	}
	return s.fail(rows.Err())
}

// QueryReadOnly implements DB.
func (s *Server) QueryReadOnly(ctx context.Context, query string, params Params) (*Table, error) {
	qctx, err := s.ctx(ctx, params, s.roCtx)
	if err != nil {
		return nil, err
	}
	rows, err := s.conn.Query(qctx, query)
	if err != nil {
		return nil, s.fail(err)
	}
	defer rows.Close()
	t := &Table{Rows: [][]any{}}
	types := rows.ColumnTypes()
	for _, c := range types {
		t.Columns = append(t.Columns, Column{Name: c.Name(), Type: c.DatabaseTypeName()})
	}
	for rows.Next() {
		ptrs := make([]any, len(types))
		for i, c := range types {
			ptrs[i] = reflect.New(c.ScanType()).Interface()
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("store: scan: %w", err)
		}
		row := make([]any, len(ptrs))
		for i, p := range ptrs {
			row[i] = reflect.ValueOf(p).Elem().Interface()
		}
		t.Rows = append(t.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err)
	}
	return t, nil
}

// Insert implements DB with one PrepareBatch per call.
func (s *Server) Insert(ctx context.Context, table string, rows any, opts ...InsertOption) error {
	settings, err := insertSettingsOf(opts)
	if err != nil {
		return err
	}
	if len(settings) > 0 {
		cs := clickhouse.Settings{}
		for k, v := range settings {
			cs[k] = v
		}
		ctx = clickhouse.Context(ctx, clickhouse.WithSettings(cs))
	}
	src, err := newRowSource(rows)
	if err != nil {
		return err
	}
	if src.len() == 0 {
		return nil
	}
	batch, err := s.conn.PrepareBatch(ctx, insertHead(table, src.columns))
	if err != nil {
		return fmt.Errorf("store: insert into %s: %w", table, s.fail(err))
	}
	defer batch.Abort() //nolint:errcheck // no-op after Send
	var vals []any
	for i := 0; i < src.len(); i++ {
		vals = src.values(i, vals)
		if err := batch.Append(vals...); err != nil {
			return fmt.Errorf("store: insert into %s (row %d): %w", table, i, err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("store: insert into %s (rows=%d): %w", table, src.len(), s.fail(err))
	}
	return nil
}

// Ping implements DB.
func (s *Server) Ping(ctx context.Context) error { return s.fail(s.conn.Ping(ctx)) }

// Info implements DB.
func (s *Server) Info() Info {
	return Info{Engine: "server", Database: s.database, Version: s.version, Location: s.location}
}

// Close implements DB.
func (s *Server) Close() error { return s.conn.Close() }
