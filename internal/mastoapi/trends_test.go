package mastoapi_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestTrendTags posts a burst of a tag from several accounts and a flood of
// another from one account; the trends endpoints show the first and not the
// second. (Ranking against a baseline over days is tested in package
// trends with its own clock.)
func TestTrendTags(t *testing.T) {
	ts := newServer(t)
	spammer := ts.signUp(t, "spammer")
	for i := range 4 {
		u := ts.signUp(t, fmt.Sprintf("user%d", i))
		ts.postStatus(t, u, "#Azadi #together")
		if i < 2 {
			ts.postStatus(t, u, "#azadi again")
		}
	}
	for range 20 {
		ts.postStatus(t, spammer, "#BuyNow #BuyNow")
	}

	for _, path := range []string{"/api/v1/trends/tags", "/api/v1/trends", "/api/v1/trends/tags?limit=1"} {
		t.Run(path, func(t *testing.T) {
			tags := ts.get(t, path, "").want(t, 200).list(t)
			var names []string
			for _, tag := range tags {
				names = append(names, tag["name"].(string))
			}
			want := "azadi,together"
			if strings.HasSuffix(path, "limit=1") {
				want = "azadi"
			}
			if got := strings.Join(names, ","); got != want {
				t.Fatalf("trends %s, want %s", got, want)
			}
			top := tags[0]
			if !strings.HasSuffix(top["url"].(string), "/tags/azadi") {
				t.Errorf("url %v", top["url"])
			}
			history := top["history"].([]any)
			if len(history) != 7 {
				t.Fatalf("history of %d days, want 7", len(history))
			}
			today := history[0].(map[string]any)
			if today["uses"] != "6" || today["accounts"] != "4" {
				t.Errorf("today %v, want 6 uses by 4 accounts", today)
			}
		})
	}
	ts.get(t, "/api/v1/trends/tags?limit=x", "").wantError(t, 400)
	if got := ts.get(t, "/api/v1/trends/tags?offset=5", "").want(t, 200).list(t); len(got) != 0 {
		t.Errorf("offset past the end: %v", got)
	}
}
