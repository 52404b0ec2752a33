package web_test

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sada-project/sada/internal/store"
)

// TestVisibility: a private (followers-only) post is shown to its author
// and followers only, on every page; a direct post to those it mentions.
func TestVisibility(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	follower := s.signUp(t, "follower")
	stranger := s.signUp(t, "stranger")
	mentioned := s.signUp(t, "mentioned")
	anon := s.browser()
	follower.submit(t, "/@alice", "/accounts/"+itoa(s.account(t, "alice").ID)+"/follow", nil)

	private := s.postAs(t, "alice", "followers-only secret #secret", store.Private)
	direct := s.postAs(t, "alice", "@mentioned direct secret #secret", store.Direct)
	s.postAs(t, "alice", "public hello", store.Public)
	privLink, directLink := "/@alice/"+itoa(private.ID), "/@alice/"+itoa(direct.ID)

	tests := []struct {
		name         string
		b            *browser
		private, dir bool
	}{
		{"author", alice, true, true},
		{"follower", follower, true, false},
		{"stranger", stranger, false, false},
		{"mentioned", mentioned, false, true},
		{"signed out", anon, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, page := range []string{"/@alice", "/@alice?replies=1"} {
				r := tc.b.get(t, page).want(t, http.StatusOK).has(t, "public hello")
				if got := strings.Contains(r.Body, "followers-only secret"); got != tc.private {
					t.Errorf("%s: private post shown = %v, want %v", page, got, tc.private)
				}
			}
			wantStatus := map[bool]int{true: http.StatusOK, false: http.StatusNotFound}
			tc.b.get(t, privLink).want(t, wantStatus[tc.private])
			tc.b.get(t, directLink).want(t, wantStatus[tc.dir])
			// Timelines anyone can read never show either.
			for _, page := range []string{"/public", "/@alice.atom", "/tags/secret"} {
				tc.b.get(t, page).want(t, http.StatusOK).lacks(t, "followers-only secret", "direct secret")
			}
		})
	}
	// Home timelines: the follower's has the private post, the stranger's
	// has nothing of alice's, the mentioned account's has the direct one.
	follower.get(t, "/").has(t, "followers-only secret", `<span class="vis v-private">Followers only</span>`).lacks(t, "direct secret")
	stranger.get(t, "/").lacks(t, "followers-only secret", "direct secret")
	mentioned.get(t, "/").has(t, "direct secret").lacks(t, "followers-only secret")
}

// TestFollow follows and unfollows from the profile, and asks a locked
// account, which accepts or rejects from its notifications.
func TestFollow(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	bob := s.signUp(t, "bob")
	aliceID := itoa(s.account(t, "alice").ID)

	bob.get(t, "/@alice").want(t, http.StatusOK).has(t, `formaction="/accounts/`+aliceID+`/follow">Follow</button>`)
	bob.submit(t, "/@alice", "/accounts/"+aliceID+"/follow", nil).wantRedirect(t, "/@alice")
	bob.get(t, "/@alice").has(t, `formaction="/accounts/`+aliceID+`/unfollow">Unfollow</button>`, "<dd>1</dd>")
	alice.get(t, "/@bob").has(t, "Follows you")
	alice.get(t, "/notifications").has(t, "followed you", `href="/@bob"`)
	bob.submit(t, "/@alice", "/accounts/"+aliceID+"/unfollow", nil).wantRedirect(t, "/@alice")
	bob.get(t, "/@alice").has(t, ">Follow</button>")

	// alice locks her account.
	alice.submit(t, "/settings", "/settings", url.Values{"locked": {"1"}, "language": {""}}).wantRedirect(t, "/settings?saved=profile")
	bob.get(t, "/@alice").has(t, "Locked account", ">Ask to follow</button>")
	bob.submit(t, "/@alice", "/accounts/"+aliceID+"/follow", nil).wantRedirect(t, "/@alice")
	bob.get(t, "/@alice").has(t, ">Cancel request</button>", "Waiting for approval")

	bobID := itoa(s.account(t, "bob").ID)
	n := alice.get(t, "/notifications").want(t, http.StatusOK)
	n.has(t, "asked to follow you", `formaction="/follow_requests/`+bobID+`/authorize">Accept</button>`, `formaction="/follow_requests/`+bobID+`/reject">Reject</button>`)
	alice.submit(t, "/notifications", "/follow_requests/"+bobID+"/authorize", nil).wantRedirect(t, "/notifications")
	alice.get(t, "/notifications").lacks(t, "/follow_requests/"+bobID+"/authorize")
	bob.get(t, "/@alice").has(t, ">Unfollow</button>")

	// carol asks and is turned down.
	carol := s.signUp(t, "carol")
	carol.submit(t, "/@alice", "/accounts/"+aliceID+"/follow", nil)
	carolID := itoa(s.account(t, "carol").ID)
	alice.submit(t, "/notifications", "/follow_requests/"+carolID+"/reject", nil).wantRedirect(t, "/notifications")
	carol.get(t, "/@alice").has(t, ">Ask to follow</button>")
	// An answer to no request is a 404 page.
	alice.submit(t, "/notifications", "/follow_requests/"+carolID+"/authorize", nil).want(t, http.StatusNotFound)
	// Following oneself is refused with a page saying so.
	alice.submit(t, "/@alice", "/accounts/"+aliceID+"/follow", nil).want(t, http.StatusForbidden).has(t, "You cannot follow yourself")
}

func TestProfile(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	alice.submit(t, "/settings", "/settings", url.Values{"display_name": {"Alice <b>Liddell</b>"}, "note": {"Down the #rabbit hole https://example.org"}, "language": {""}})
	s.postAs(t, "alice", "first post", store.Public)
	s.postAs(t, "alice", "second post", store.Public)
	s.signUp(t, "bob")
	parent := s.postAs(t, "bob", "bob asks", store.Public)
	if _, err := s.svc.Post(t.Context(), s.account(t, "alice"), socialReply("a reply to bob", parent.ID)); err != nil {
		t.Fatal(err)
	}
	anon := s.browser()
	p := anon.get(t, "/@alice").want(t, http.StatusOK)
	p.has(t, "<h1><bdi>Alice &lt;b&gt;Liddell&lt;/b&gt;</bdi></h1>", "@alice", `<div class="bio" dir="auto"><p>Down the `,
		`class="mention hashtag"`, "<dt>Posts</dt><dd>3</dd>", "<dt>Followers</dt><dd>0</dd>", "Joined ",
		"first post", "second post", `<link rel="alternate" type="application/atom+xml"`, `href="/@alice.atom"`,
		`href="/login?next=/@alice">Follow</a>`)
	p.lacks(t, "a reply to bob", "<b>Liddell")
	anon.get(t, "/@alice?replies=1").want(t, http.StatusOK).has(t, "a reply to bob", `aria-current="page">Posts and replies`)
	alice.get(t, "/@alice").has(t, `href="/settings">Edit profile</a>`, `class="i-user" href="/@alice" aria-current="page"`)
	anon.get(t, "/@ALICE").want(t, http.StatusOK)
	anon.get(t, "/@nobody").want(t, http.StatusNotFound)
	anon.get(t, "/users/alice").want(t, http.StatusMovedPermanently)
}

// TestPaging follows the "more" links to the end of a timeline.
func TestPaging(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	for i := range 45 {
		s.postAs(t, "alice", fmt.Sprintf("post number %02d.", i), store.Public)
	}
	for _, start := range []string{"/", "/public", "/@alice"} {
		seen := map[string]bool{}
		next := start
		for pages := 0; next != ""; pages++ {
			if pages > 5 {
				t.Fatalf("%s: more than 5 pages", start)
			}
			r := alice.get(t, next).want(t, http.StatusOK)
			for i := range 45 {
				if strings.Contains(r.Body, fmt.Sprintf("post number %02d.", i)) {
					k := fmt.Sprint(i)
					if seen[k] {
						t.Errorf("%s: post %d shown twice", start, i)
					}
					seen[k] = true
				}
			}
			next = ""
			if m := moreRE.FindStringSubmatch(r.Body); m != nil {
				next = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		if len(seen) != 45 {
			t.Errorf("%s: paging showed %d posts, want 45", start, len(seen))
		}
	}
	alice.get(t, "/?max_id=abc").want(t, http.StatusBadRequest)
	alice.get(t, "/public?max_id=-5").want(t, http.StatusBadRequest)
}

func TestTagPage(t *testing.T) {
	s := newSite(t)
	s.signUp(t, "alice")
	s.postAs(t, "alice", "گل\u200cهای بهاری #گل\u200cسرخ", store.Public)
	s.postAs(t, "alice", "followers only #گل\u200cسرخ", store.Private)
	anon := s.browser()
	for _, path := range []string{"/tags/گل\u200cسرخ", "/tags/" + url.PathEscape("گل\u200cسرخ")} {
		r := anon.get(t, path).want(t, http.StatusOK)
		r.has(t, "<h1 class=\"h\">#گل\u200cسرخ</h1>", "گل\u200cهای بهاری", `href="/tags/`+strings.ToLower(url.PathEscape("گل\u200cسرخ"))+`.atom"`).lacks(t, "followers only")
	}
	anon.get(t, "/tags/"+url.PathEscape("not a tag")).want(t, http.StatusNotFound)
	anon.get(t, "/tags/123").want(t, http.StatusNotFound)
	anon.get(t, "/tags/nothing").want(t, http.StatusOK).has(t, "No posts with this hashtag yet.")
}

func TestNotifications(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	bob := s.signUp(t, "bob")
	st := s.postAs(t, "alice", "notice me", store.Public)
	bob.submit(t, "/public", "/p/"+itoa(st.ID)+"/favourite", nil)
	bob.submit(t, "/public", "/p/"+itoa(st.ID)+"/reblog", nil)
	bob.compose(t, "hey @alice")
	r := alice.get(t, "/notifications").want(t, http.StatusOK)
	r.has(t, "favourited your post", "reposted your post", "mentioned you", "notice me", "hey", `class="what i-favourite"`,
		`aria-current="page"><span>Notifications</span>`)
	s.browser().get(t, "/notifications").wantRedirect(t, "/login?next=%2Fnotifications")
	s.signUp(t, "quiet").get(t, "/notifications").has(t, "No notifications yet.")
}

func TestFeeds(t *testing.T) {
	s := newSite(t)
	s.signUp(t, "alice")
	s.postAs(t, "alice", "feed me <now> & #later", store.Public)
	s.postAs(t, "alice", "not in the feed", store.Private)
	anon := s.browser()
	for _, path := range []string{"/@alice.atom", "/tags/later.atom"} {
		r := anon.get(t, path).want(t, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		var feed struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			Entries []struct {
				ID      string `xml:"id"`
				Content string `xml:"content"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(r.Body), &feed); err != nil {
			t.Fatalf("%s: %v\n%s", path, err, r.Body)
		}
		if len(feed.Entries) != 1 || !strings.Contains(feed.Entries[0].Content, "feed me &lt;now&gt; &amp; ") ||
			!strings.HasPrefix(feed.Entries[0].ID, s.URL+"/@alice/") {
			t.Errorf("%s: entries %+v", path, feed.Entries)
		}
	}
	anon.get(t, "/@nobody.atom").want(t, http.StatusNotFound)
	anon.get(t, "/tags/.atom").want(t, http.StatusNotFound)
}

// socialReply is a reply by the domain's input shape.
func socialReply(text string, to int64) socialPostInput {
	return socialPostInput{Text: text, InReplyToID: to}
}
