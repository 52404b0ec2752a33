package mastoapi_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/sada-project/sada/internal/config"
)

func TestInstance(t *testing.T) {
	t.Parallel()
	ts := newServer(t, func(c *config.Config) { c.Title = "صدا"; c.Description = "Say it briefly." })
	alice := ts.signUp(t, "alice")
	ts.postStatus(t, alice, "one")
	ws := "ws" + strings.TrimPrefix(ts.URL, "http")
	domain := strings.TrimPrefix(ts.URL, "http://")
	tests := []struct {
		path string
		want map[string]any // dotted path → value
	}{
		{"/api/v1/instance", map[string]any{
			"uri": domain, "title": "صدا", "description": "Say it briefly.", "registrations": true,
			"urls.streaming_api":                                 ws,
			"configuration.statuses.max_characters":              140.0,
			"configuration.statuses.characters_reserved_per_url": 23.0,
			"configuration.statuses.max_media_attachments":       0.0,
			"stats.user_count":                                   1.0,
			"stats.status_count":                                 1.0,
			"stats.domain_count":                                 0.0,
		}},
		{"/api/v1/instance/", map[string]any{"uri": domain, "urls.streaming_api": ws, "configuration.statuses.max_characters": 140.0}},
		{"/api/v2/instance", map[string]any{
			"domain": domain, "title": "صدا", "registrations.enabled": true,
			"configuration.urls.streaming":                       ws,
			"configuration.statuses.max_characters":              140.0,
			"configuration.statuses.characters_reserved_per_url": 23.0,
			"usage.users.active_month":                           1.0,
		}},
		{"/api/v2/instance/", map[string]any{"domain": domain, "configuration.urls.streaming": ws}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			for _, token := range []string{"", alice.Token} {
				m := ts.get(t, tt.path, token).want(t, 200).obj(t)
				v := str(t, m, "version")
				if !strings.HasPrefix(v, "4.") || !strings.Contains(v, "sada") {
					t.Errorf("version %q: want 4.x (compatible; sada …)", v)
				}
				for k, want := range tt.want {
					if got := field(t, m, strings.Split(k, ".")...); got != want {
						t.Errorf("%s = %#v, want %#v", k, got, want)
					}
				}
			}
		})
	}
	t.Run("lists clients fetch at start", func(t *testing.T) {
		for _, p := range []string{"/api/v1/instance/peers", "/api/v1/custom_emojis"} {
			if l := ts.get(t, p, "").want(t, 200).list(t); len(l) != 0 {
				t.Errorf("%s = %v, want []", p, l)
			}
		}
	})
	t.Run("not an instance path", func(t *testing.T) {
		ts.get(t, "/api/v1/instance/nonsense", "").wantError(t, 404)
		ts.get(t, "/api/v2/instance/x/y", "").wantError(t, 404)
	})
	t.Run("default images", func(t *testing.T) {
		me := ts.me(t, alice.Token)
		for _, k := range []string{"avatar", "header"} {
			u := str(t, me, k)
			if !strings.HasPrefix(u, ts.URL+"/") {
				t.Fatalf("%s = %s, not served here", k, u)
			}
			res := ts.get(t, strings.TrimPrefix(u, ts.URL), "").want(t, 200)
			if res.Header.Get("Content-Type") != "image/png" {
				t.Errorf("%s type %q", k, res.Header.Get("Content-Type"))
			}
			if _, err := png.Decode(bytes.NewReader(res.Body)); err != nil {
				t.Errorf("%s: %v", k, err)
			}
		}
	})
	ts.get(t, "/api/v1/instance", "forged").wantError(t, 401)
}
