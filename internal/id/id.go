// Package id makes the 64-bit, time-ordered identifiers used for accounts,
// posts, notifications and everything else that is paged by id.
//
// An id is the Unix time in milliseconds shifted left by 16 bits, with the low
// 16 bits random. Sorting ids sorts by creation time, which makes max_id and
// min_id paging a plain index range scan, and the random low bits keep ids
// from revealing how many accounts or posts exist.
package id

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// Generator hands out strictly increasing ids. The zero value is ready to use.
type Generator struct {
	mu   sync.Mutex
	last int64
}

var std Generator

// New returns a fresh id from the process-wide generator.
func New() int64 { return std.Next() }

// Next returns an id greater than every id this generator returned before,
// even when the clock stands still or steps back.
func (g *Generator) Next() int64 {
	var b [2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	n := FromTime(time.Now()) | int64(binary.BigEndian.Uint16(b[:]))
	g.mu.Lock()
	defer g.mu.Unlock()
	if n <= g.last {
		n = g.last + 1 + int64(b[0]) // stay unpredictable within the same millisecond
	}
	g.last = n
	return n
}

// FromTime returns the smallest id that could have been made at t. It is
// used to turn a date into an id bound for range queries.
func FromTime(t time.Time) int64 {
	return t.UnixMilli() << 16
}

// Time returns when the id was made, to the millisecond.
func Time(id int64) time.Time {
	return time.UnixMilli(id >> 16).UTC()
}
