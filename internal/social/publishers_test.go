package social

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

type recorder struct{ got *[]string }

func (r recorder) Publish(e Event) { *r.got = append(*r.got, e.Kind) }

func TestPublishers(t *testing.T) {
	var a, b []string
	var p Publisher // nothing wired yet
	p = With(p, recorder{&a})
	p = With(p, recorder{&b})
	p.Publish(Event{Kind: EventUpdate})
	p.Publish(Event{Kind: EventDelete})
	want := []string{EventUpdate, EventDelete}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("first publisher (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, b); diff != "" {
		t.Errorf("second publisher (-want +got):\n%s", diff)
	}
	if n := len(p.(Publishers)); n != 3 { // nil, a, b: flat, not nested
		t.Errorf("len = %d, want 3", n)
	}
}
