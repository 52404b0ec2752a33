package loadgen

import (
	"math/bits"
	"time"
)

// Histogram records durations in log-linear buckets: 64 sub-buckets per
// power of two of microseconds, so every percentile is within about 1.6% of
// the true value, in a fixed 30 KiB however many requests a run makes. The
// zero value is ready; it is not safe for concurrent use (each worker keeps
// its own and they are merged).
type Histogram struct {
	counts [histBuckets]uint64
	n      uint64
	max    time.Duration
}

const (
	subBits     = 6
	subBuckets  = 1 << subBits
	histBuckets = (64 - subBits + 1) * subBuckets // enough for any int64 of microseconds
)

func bucketOf(us uint64) int {
	if us < subBuckets {
		return int(us)
	}
	exp := bits.Len64(us) - subBits // ≥ 1
	return exp*subBuckets + int(us>>uint(exp-1)) - subBuckets
}

// lowerBound is the smallest microsecond count in bucket b.
func lowerBound(b int) uint64 {
	if b < subBuckets {
		return uint64(b)
	}
	exp := b / subBuckets
	sub := b%subBuckets + subBuckets
	return uint64(sub) << uint(exp-1)
}

// Record adds one duration.
func (h *Histogram) Record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d/time.Microsecond))]++
	h.n++
	h.max = max(h.max, d)
}

// Merge adds o's counts to h.
func (h *Histogram) Merge(o *Histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// Count is how many durations were recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Max is the largest duration recorded, exactly.
func (h *Histogram) Max() time.Duration { return h.max }

// Quantile returns the duration below which a fraction q (0..1) of the
// recorded ones fall: the upper edge of the bucket holding it, never more
// than Max.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for b, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(lowerBound(b+1))*time.Microsecond, h.max)
		}
	}
	return h.max
}
