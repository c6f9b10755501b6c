package pipeline

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/govpulse/govpulse/models"
)

// Reply is the answer to one ingest request (DESIGN.md §3).
type Reply struct {
	Accepted int         `json:"accepted"`
	Rejected int         `json:"rejected"`
	Errors   []Rejection `json:"errors"`
	// ErrorsTruncated is set when more lines were rejected than Errors lists (MaxReplyErrors);
	// every rejected line is still kept in the dead-letter table.
	ErrorsTruncated bool `json:"errors_truncated,omitempty"`
}

// MaxReplyErrors bounds the errors listed in one Reply.
const MaxReplyErrors = 1000

// Ingestor accepts one input (an HTTP body): it parses every line, then appends the accepted
// rows and the rejected lines (as dead letters) to the spool in one fsynced write. When Accept
// returns without error, everything it counted is durable.
type Ingestor struct {
	Parser   *Parser
	Spool    *Spool
	Now      func() time.Time
	Observer Observer // nil: no measurements
}

// Accept parses r as stream and spools the result. A full spool returns ErrSpoolFull and
// stores nothing of this input, so the sender can retry it whole.
func (in *Ingestor) Accept(ctx context.Context, stream Stream, r io.Reader, opts ParseOptions) (Reply, error) {
	reply := Reply{Errors: []Rejection{}}
	var records []Record
	var dead []models.DeadLetter
	now := time.Now
	if in.Now != nil {
		now = in.Now
	}
	_, err := in.Parser.Parse(ctx, stream, r, opts, func(c Chunk) error {
		var rows any
		n := 0
		switch stream {
		case StreamDossiers:
			rows, n = c.Dossiers, len(c.Dossiers)
		case StreamPetitions:
			rows, n = c.Petitions, len(c.Petitions)
		case StreamPosts:
			rows, n = c.Posts, len(c.Posts)
		}
		if n > 0 {
			payload, err := encodeRows(rows)
			if err != nil {
				return err
			}
			records = append(records, Record{Stream: string(stream), Payload: payload})
			reply.Accepted += n
		}
		for _, rej := range c.Rejected {
			reply.Rejected++
			if len(reply.Errors) < MaxReplyErrors {
				reply.Errors = append(reply.Errors, rej)
			} else {
				reply.ErrorsTruncated = true
			}
			dead = append(dead, DeadLetterOf(stream, opts.Source, rej, now()))
		}
		return nil
	})
	if err != nil {
		return Reply{}, err
	}
	if len(dead) > 0 {
		payload, err := encodeRows(dead)
		if err != nil {
			return Reply{}, err
		}
		records = append(records, Record{Stream: streamDeadLetters, Payload: payload})
	}
	if err := in.Spool.Append(records); err != nil {
		return Reply{}, fmt.Errorf("pipeline: spool %s: %w", stream, err)
	}
	if in.Observer != nil {
		in.Observer.Accepted(string(stream), reply.Accepted)
		byField := map[string]int{}
		for _, d := range dead {
			byField[d.Field]++
		}
		for field, n := range byField {
			in.Observer.Rejected(string(stream), field, n)
		}
	}
	return reply, nil
}

// DeadLetterOf is the dead-letter row of one rejected line. Its raw line is already redacted by
// the parser (personal fields replaced, PII masked in petition and post lines).
func DeadLetterOf(stream Stream, source string, rej Rejection, at time.Time) models.DeadLetter {
	return models.DeadLetter{ReceivedAt: at.In(models.Location), Stream: string(stream), Source: source,
		Line: uint32(rej.Line), Field: rej.Field, Reason: rej.Message, Raw: rej.Raw}
}
