package sms

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
)

// The fan-out turns new posts into outgoing messages. Publish hands it
// each post as it is made; a sweep over the statuses table, from a cursor
// kept in the store, catches whatever Publish missed (a full channel, a
// crash between the post and its fan-out). The cursor trails the clock by
// sweepOverlap, because ids are made before their transaction commits and
// a post can become visible after a newer one; every message has a key,
// so seeing a post twice sends it once.
const (
	fanoutCursor = "fanout"
	sweepEvery   = 15 * time.Second
	sweepOverlap = time.Minute
	sweepBatch   = 200
)

func (s *Service) runFanOut(ctx context.Context) {
	cursor, err := s.store.SMSCursor(ctx, fanoutCursor)
	if errors.Is(err, store.ErrNotFound) {
		// The first start: posts made before SMS was on are not texted.
		cursor = id.FromTime(s.opt.Now().Add(-sweepOverlap))
		err = s.store.SetSMSCursor(ctx, fanoutCursor, cursor)
	}
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("sms: fan-out cursor", "err", err)
		}
		return
	}
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case sid := <-s.posted:
			st, err := s.store.StatusByID(ctx, sid)
			if err == nil {
				err = s.fanOut(ctx, st)
			}
			if err != nil && !errors.Is(err, store.ErrNotFound) && ctx.Err() == nil {
				s.log.Error("sms: fan-out", "status", sid, "err", err)
			}
		case <-s.fanoutWake:
			cursor = s.sweep(ctx, cursor)
		case <-t.C:
			cursor = s.sweep(ctx, cursor)
		}
	}
}

// sweep fans out every status after cursor and returns the new cursor.
func (s *Service) sweep(ctx context.Context, cursor int64) int64 {
	after := cursor
	for {
		sts, err := s.store.StatusesAfter(ctx, after, sweepBatch)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("sms: sweep", "err", err)
			}
			return cursor
		}
		for _, st := range sts {
			if err := s.fanOut(ctx, st); err != nil {
				if ctx.Err() == nil {
					s.log.Error("sms: fan-out", "status", st.ID, "err", err)
				}
				return cursor // from here again next time
			}
			after = st.ID
		}
		if len(sts) < sweepBatch {
			break
		}
	}
	next := min(after, id.FromTime(s.opt.Now().Add(-sweepOverlap)))
	if next <= cursor {
		return cursor
	}
	if err := s.store.SetSMSCursor(ctx, fanoutCursor, next); err != nil {
		if ctx.Err() == nil {
			s.log.Error("sms: save fan-out cursor", "err", err)
		}
		return cursor
	}
	return next
}

// fanOut enqueues st for every phone that should get it: those of the
// mentioned accounts, and, unless st is direct, those of the author's
// followers who turned texts on for the author; each only if that account
// may see st, as package social decides.
func (s *Service) fanOut(ctx context.Context, st *store.Status) error {
	if st.ReblogOfID != 0 {
		return nil // reposts are not texted: they would double what people pay
	}
	phones, err := s.store.SMSRecipients(ctx, st.AccountID, st.MentionIDs, st.Visibility != store.Direct)
	if err != nil || len(phones) == 0 {
		return err
	}
	ids := []int64{st.AccountID}
	for _, p := range phones {
		ids = append(ids, p.AccountID)
	}
	accounts, err := s.store.AccountsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	author, ok := accounts[st.AccountID]
	if !ok {
		return nil
	}
	text := updateText(author, st)
	var msgs []*store.OutboxSMS
	for _, p := range phones {
		reader, ok := accounts[p.AccountID]
		if !ok {
			continue
		}
		if may, err := s.social.CanSee(ctx, reader, st); err != nil {
			return err
		} else if !may {
			continue
		}
		m := s.outgoing(p.Number, text, "update")
		m.DedupKey = fmt.Sprintf("status:%d:%d", st.ID, reader.ID)
		msgs = append(msgs, m)
	}
	if len(msgs) == 0 {
		return nil
	}
	n, err := s.store.EnqueueSMS(ctx, msgs)
	if n > 0 {
		wake(s.outboxWake)
	}
	return err
}
