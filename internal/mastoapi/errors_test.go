package mastoapi_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestBadInput(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob := ts.signUp(t, "alice"), ts.signUp(t, "bob")
	st := str(t, ts.postStatus(t, alice, "hello"), "id")
	big := strings.Repeat("a", 1<<20)
	tests := []struct {
		name, method, path, token string
		body                      any
		code                      int
	}{
		{"malformed JSON", "POST", "/api/v1/statuses", alice.Token, []byte(`{"status": "x"`), 400},
		{"JSON that is not an object", "POST", "/api/v1/statuses", alice.Token, []byte(`["status"]`), 400},
		{"JSON with trailing data", "POST", "/api/v1/statuses", alice.Token, []byte(`{"status": "x"} {"status": "y"}`), 400},
		{"JSON with garbage after", "POST", "/api/v1/statuses", alice.Token, []byte(`{"status": "x"}garbage`), 400},
		{"empty JSON body", "POST", "/api/v1/statuses", alice.Token, []byte(``), 422},
		{"empty JSON body to update", "PATCH", "/api/v1/accounts/update_credentials", alice.Token, []byte(``), 200},
		{"malformed JSON to update", "PATCH", "/api/v1/accounts/update_credentials", alice.Token, []byte(`{`), 400},
		{"malformed JSON to apps", "POST", "/api/v1/apps", "", []byte(`{"client_name": }`), 400},
		{"malformed form", "POST", "/api/v1/statuses", alice.Token, rawForm("status=%zz"), 400},
		{"sensitive maybe", "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "x", "sensitive": "maybe"}, 422},
		{"visibility a number", "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "x", "visibility": 3}, 422},
		{"in_reply_to_id a boolean", "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "x", "in_reply_to_id": true}, 404},
		{"in_reply_to_id huge", "POST", "/api/v1/statuses", alice.Token, []byte(`{"status": "x", "in_reply_to_id": 1e400}`), 404},
		{"limit abc", "GET", "/api/v1/timelines/public?limit=abc", "", nil, 400},
		{"limit in Arabic digits", "GET", "/api/v1/timelines/public?limit=١٠", "", nil, 400},
		{"max_id abc", "GET", "/api/v1/timelines/public?max_id=abc", "", nil, 400},
		{"relationships id abc", "GET", "/api/v1/accounts/relationships?id[]=abc", alice.Token, nil, 400},
		{"too many relationships", "GET", "/api/v1/accounts/relationships?" + strings.Repeat("id[]=1&", 81), alice.Token, nil, 400},
		{"account_id abc", "GET", "/api/v1/notifications?account_id=abc", alice.Token, nil, 400},
		{"unknown status", "GET", "/api/v1/statuses/123456789", "", nil, 404},
		{"status id in Arabic digits", "GET", "/api/v1/statuses/١٢٣", "", nil, 404},
		{"unknown account", "GET", "/api/v1/accounts/123456789", "", nil, 404},
		{"unknown notification", "GET", "/api/v1/notifications/123456789", alice.Token, nil, 404},
		{"unknown status to favourite", "POST", "/api/v1/statuses/123456789/favourite", alice.Token, nil, 404},
		{"oversized JSON", "POST", "/api/v1/statuses", alice.Token, []byte(`{"status": "` + big + `"}`), 413},
		{"oversized form", "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {big}}, 413},
		{"oversized profile", "PATCH", "/api/v1/accounts/update_credentials", alice.Token, url.Values{"note": {big}}, 413},
		{"oversized app", "POST", "/api/v1/apps", "", url.Values{"client_name": {big}}, 413},
		{"oversized token request", "POST", "/oauth/token", "", url.Values{"grant_type": {big}}, 413},
		{"long idempotency key", "POST", "/api/v1/statuses", alice.Token, nil, 400}, // header set below
		{"missing token", "GET", "/api/v1/timelines/home", "", nil, 401},
		{"missing token to post", "POST", "/api/v1/statuses", "", map[string]any{"status": "x"}, 401},
		{"invalid token", "GET", "/api/v1/timelines/home", "not-a-token", nil, 401},
		{"invalid token on a public route", "GET", "/api/v1/timelines/public", "not-a-token", nil, 401},
		{"invalid token to post", "POST", "/api/v1/statuses", "not-a-token", map[string]any{"status": "x"}, 401},
		{"app token where a user is needed", "POST", "/api/v1/statuses", ts.clientToken(t, "write"), map[string]any{"status": "x"}, 422},
		{"unknown API path", "GET", "/api/v1/nothing/here", "", nil, 404},
		{"unknown API version", "GET", "/api/v9/instance", "", nil, 404},
		{"unknown method", "PUT", "/api/v1/statuses/" + st, alice.Token, nil, 404},
		{"bob deletes alice's post", "DELETE", "/api/v1/statuses/" + st, bob.Token, nil, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := ts.request(t, tt.method, tt.path, tt.token, tt.body)
			if f, ok := tt.body.(rawForm); ok {
				req = ts.request(t, tt.method, tt.path, tt.token, []byte(f))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if tt.name == "long idempotency key" {
				req = ts.request(t, tt.method, tt.path, tt.token, map[string]any{"status": "x"})
				req.Header.Set("Idempotency-Key", strings.Repeat("k", 129))
			}
			res := ts.send(t, req)
			if tt.code == 200 {
				res.want(t, 200)
				return
			}
			res.wantError(t, tt.code)
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q, want JSON", ct)
			}
		})
	}

	t.Run("an invalid Authorization header is not anonymous", func(t *testing.T) {
		for _, h := range []string{"Basic YWxpY2U6cHc=", "Bearer", "Bearer ", "Token " + alice.Token, alice.Token} {
			req := ts.request(t, "GET", "/api/v1/timelines/public", "", nil)
			req.Header.Set("Authorization", h)
			ts.send(t, req).wantError(t, 401)
		}
	})
	t.Run("access_token in the query", func(t *testing.T) {
		ts.get(t, "/api/v1/accounts/verify_credentials?access_token="+url.QueryEscape(alice.Token), "").want(t, 200)
		ts.get(t, "/api/v1/accounts/verify_credentials?access_token=forged", "").wantError(t, 401)
	})

	// After all that, nothing was stored and the server still serves.
	if n := num(t, ts.me(t, alice.Token), "statuses_count"); n != 1 {
		t.Errorf("statuses_count = %d, want 1: bad requests must store nothing", n)
	}
	ts.get(t, "/api/v1/statuses/"+st, "").want(t, 200)
	ts.postStatus(t, bob, "still here")
	ts.get(t, "/api/v2/instance", "").want(t, 200)
}

// rawForm is a form body sent as is, to send one url.Values would not make.
type rawForm string

// TestScopes checks that a token can do what its scopes allow and no more.
func TestScopes(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob := ts.signUp(t, "alice"), ts.signUp(t, "bob")
	st := str(t, ts.postStatus(t, bob, "hi"), "id")
	readApp := ts.newApp(t, "read")
	readOnly := ts.passwordToken(t, readApp, "alice", alice.Password, "read")

	t.Run("a read-only app cannot write", func(t *testing.T) {
		tests := []struct{ method, path string }{
			{"POST", "/api/v1/statuses"},
			{"DELETE", "/api/v1/statuses/" + st},
			{"POST", "/api/v1/statuses/" + st + "/favourite"},
			{"POST", "/api/v1/statuses/" + st + "/reblog"},
			{"POST", "/api/v1/accounts/" + bob.ID + "/follow"},
			{"PATCH", "/api/v1/accounts/update_credentials"},
			{"POST", "/api/v1/notifications/clear"},
		}
		for _, tt := range tests {
			t.Run(tt.method+" "+tt.path, func(t *testing.T) {
				ts.call(t, tt.method, tt.path, readOnly, map[string]any{"status": "x", "display_name": "x"}).wantError(t, 403)
			})
		}
		for _, p := range []string{"/api/v1/timelines/home", "/api/v1/accounts/verify_credentials", "/api/v1/notifications", "/api/v1/favourites"} {
			ts.get(t, p, readOnly).want(t, 200)
		}
		if n := num(t, ts.me(t, alice.Token), "statuses_count"); n != 0 {
			t.Errorf("the read-only token posted: statuses_count = %d", n)
		}
		if n := num(t, ts.get(t, "/api/v1/statuses/"+st, "").want(t, 200).obj(t), "favourites_count"); n != 0 {
			t.Errorf("the read-only token favourited: count %d", n)
		}
	})

	// Each granular scope opens its routes and no others.
	tests := []struct {
		method, path, scope string
		other               string // a scope that does not do
	}{
		{"GET", "/api/v1/timelines/home", "read:statuses", "read:accounts"},
		{"GET", "/api/v1/accounts/verify_credentials", "read:accounts", "read:statuses"},
		{"GET", "/api/v1/accounts/verify_credentials", "profile", "write:accounts"},
		{"GET", "/api/v1/timelines/home", "read", "profile"},
		{"GET", "/api/v1/accounts/relationships?id[]=" + bob.ID, "read:follows", "read:accounts"},
		{"GET", "/api/v1/accounts/relationships?id[]=" + bob.ID, "follow", "write"},
		{"GET", "/api/v1/favourites", "read:favourites", "read:statuses"},
		{"GET", "/api/v1/notifications", "read:notifications", "write:notifications"},
		{"GET", "/api/v1/follow_requests", "read:follows", "write:follows"},
		{"POST", "/api/v1/statuses", "write:statuses", "write:favourites"},
		{"POST", "/api/v1/statuses/" + st + "/favourite", "write:favourites", "write:statuses"},
		{"POST", "/api/v1/statuses/" + st + "/reblog", "write:statuses", "write:favourites"},
		{"POST", "/api/v1/accounts/" + bob.ID + "/follow", "write:follows", "write:accounts"},
		{"POST", "/api/v1/accounts/" + bob.ID + "/unfollow", "follow", "read"},
		{"PATCH", "/api/v1/accounts/update_credentials", "write:accounts", "write:statuses"},
		{"POST", "/api/v1/notifications/clear", "write:notifications", "read:notifications"},
		{"GET", "/api/v1/statuses/" + st, "read:statuses", "read:accounts"},
		{"GET", "/api/v1/timelines/public", "read", "write"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s with %s", tt.method, tt.path, tt.scope), func(t *testing.T) {
			body := map[string]any{"status": "scoped", "display_name": "Alice"}
			ok := ts.token(t, alice, tt.scope)
			ts.call(t, tt.method, tt.path, ok, body).want(t, 200)
			no := ts.token(t, alice, tt.other)
			if msg := ts.call(t, tt.method, tt.path, no, body).wantError(t, 403); !strings.Contains(msg, "scope") {
				t.Errorf("error %q does not say it is about scopes", msg)
			}
		})
	}
}

// TestNoServerErrors sends every route ids and bodies of the wrong kind.
// The harness fails any 5xx; each error must also be JSON.
func TestNoServerErrors(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	routes, err := routePatterns()
	if err != nil {
		t.Fatal(err)
	}
	// Bodies go with the first two ids only, which keeps this to a few
	// thousand requests.
	ids := []string{"123", "abc", "0", "-1", "99999999999999999999", "%00", "1.5", "%D9%A1"}
	bodies := []any{
		nil,
		[]byte(`{"broken":`),
		[]byte(`[1, 2]`),
		[]byte(`"string"`),
		[]byte(`{"status": {"nested": [1, {"deep": null}]}, "limit": "abc", "sensitive": "maybe", "id": [true], "visibility": 7,
			"in_reply_to_id": 1e999, "locked": {}, "scope": ["read"], "grant_type": 5, "client_id": null, "agreement": [1]}`),
		url.Values{"status[]": {"a"}, "limit": {"-1"}, "visibility": {"\x00"}, "redirect_uris": {"::"}, "username": {"\xff"}},
	}
	query := "?limit=abc&max_id=x&min_id=-2&since_id=1e3&types[]=&exclude_types[]=poll&id[]=&acct=%00&account_id=y&exclude_replies=2"
	for _, pattern := range routes {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			method, path = "GET", "/api/v1/nothing"
		}
		path = strings.TrimSuffix(path, "{$}")
		for i, id := range ids {
			p := strings.NewReplacer("{id}", id, "{hashtag}", id).Replace(path)
			for _, body := range bodies {
				if body != nil && (method == "GET" || i > 1) {
					continue
				}
				for _, q := range []string{"", query} {
					res := ts.call(t, method, p+q, alice.Token, body)
					if res.Status >= 400 && (strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/oauth/token") || strings.HasPrefix(p, "/oauth/revoke")) {
						if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
							t.Errorf("%s %s: %d with %q", method, p+q, res.Status, res.Header.Get("Content-Type"))
							continue
						}
						res.wantError(t, res.Status)
					}
				}
			}
		}
	}
	ts.me(t, alice.Token)
	ts.get(t, "/api/v1/instance", "").want(t, 200)
}
