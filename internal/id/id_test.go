package id

import (
	"testing"
	"time"
)

func TestNextIncreases(t *testing.T) {
	var g Generator
	prev := g.Next()
	for i := 0; i < 100000; i++ {
		n := g.Next()
		if n <= prev {
			t.Fatalf("id %d after %d: not increasing", n, prev)
		}
		prev = n
	}
}

func TestTimeRoundTrip(t *testing.T) {
	now := time.Now()
	n := New()
	got := Time(n)
	if d := got.Sub(now); d < -time.Second || d > time.Second {
		t.Fatalf("Time(New()) = %v, want about %v", got, now)
	}
	if FromTime(got) > n {
		t.Fatalf("FromTime(%v) = %d > id %d", got, FromTime(got), n)
	}
}

func TestLowBitsVary(t *testing.T) {
	seen := map[int64]bool{}
	for i := 0; i < 64; i++ {
		seen[New()&0xffff] = true
	}
	if len(seen) < 8 {
		t.Fatalf("low bits took only %d values in 64 ids; ids would be guessable", len(seen))
	}
}
