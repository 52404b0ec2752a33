package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// The browser test drives Debian's chromium, headless, through the whole
// no-JavaScript-needed promise: two people sign up, one follows the other,
// one posts Arabic text with a Persian hashtag, the other sees it on the
// home page, opens the hashtag, replies, and the first sees the reply in the
// conversation; then the same with scripts off. It also checks the
// character counter against the server's count, that no request leaves for
// another host, that the console stays clean (no CSP violation), and saves
// screenshots of the home page for people to look at.
//
// Without chromium the test is skipped, unless SADA_REQUIRE_BROWSER=1 (CI)
// makes that a failure. SADA_CHROMIUM overrides the browser's path;
// SADA_SCREENSHOTS the folder for screenshots (default artifacts/screenshots
// at the repository root, which CI keeps).

func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("SADA_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("SADA_REQUIRE_BROWSER") == "1" {
			t.Fatalf("SADA_REQUIRE_BROWSER=1 but no browser at %s: %v", p, err)
		}
		t.Skipf("no chromium at %s (apt-get install chromium); SADA_REQUIRE_BROWSER=1 makes this a failure", p)
	}
	return p
}

// screenshotDir is where screenshots go: SADA_SCREENSHOTS, or
// artifacts/screenshots at the root of the module.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SADA_SCREENSHOTS")
	if dir == "" {
		root, err := filepath.Abs("../..")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
			t.Fatalf("cannot find the repository root from %s", root)
		}
		dir = filepath.Join(root, "artifacts", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// chrome is a headless browser shared by the subtests; each person gets a
// browser context of their own (their own cookies), as on two phones.
type chrome struct {
	ctx context.Context
	s   *site

	mu       sync.Mutex
	requests []string // every URL any tab asked for
	console  []string // console errors and warnings
}

func startChrome(t *testing.T, s *site) *chrome {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "en-US"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatalf("start chromium: %v", err)
	}
	return &chrome{ctx: ctx, s: s}
}

// person is one browser context with one tab.
type person struct {
	t      *testing.T
	c      *chrome
	ctx    context.Context
	name   string
	script bool
}

func (c *chrome) person(t *testing.T, name string, script bool) *person {
	t.Helper()
	ctx, cancel := chromedp.NewContext(c.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab for %s: %v", name, err)
	}
	if !script {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("turn scripts off: %v", err)
		}
	}
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	console := chromedp.Console(ctx)
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			c.mu.Lock()
			c.requests = append(c.requests, ev.Request.URL)
			c.mu.Unlock()
		}
	}()
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			// A refused post is answered 422 on purpose, and Chrome logs that.
			expected := strings.Contains(m.Text, "status of 422")
			if (m.Type == "error" || m.Type == "warning" || m.IsException()) && !expected {
				c.mu.Lock()
				c.console = append(c.console, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
				c.mu.Unlock()
			}
		}
	}()
	return &person{t: t, c: c, ctx: ctx, name: name, script: script}
}

// timeout bounds each step, so a page that never comes fails the test
// rather than hanging it.
const timeout = 20 * time.Second

func (p *person) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %s: %v", p.name, what, err)
	}
}

// open loads path on the site.
func (p *person) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.c.s.URL+path))
}

// press clicks what sel selects and waits for the page it leads to.
func (p *person) press(sel string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		p.t.Fatalf("%s: press %s: %v", p.name, sel, err)
	}
}

// text returns the text of what sel selects.
func (p *person) text(sel string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("%s: text of %s: %v", p.name, sel, err)
	}
	return s
}

// eval runs JavaScript in the page; it works with scripts off too (the
// protocol's evaluation is not the page's own script).
func eval[T any](p *person, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("%s: eval %s: %v", p.name, js, err)
	}
	return v
}

func (p *person) path() string {
	p.t.Helper()
	return strings.TrimPrefix(eval[string](p, `location.pathname + location.search + location.hash`), p.c.s.URL)
}

// wantText fails unless the text of sel contains want.
func (p *person) wantText(sel, want string) {
	p.t.Helper()
	if got := p.text(sel); !strings.Contains(got, want) {
		p.t.Fatalf("%s on %s: %s says %q, want it to contain %q", p.name, p.path(), sel, got, want)
	}
}

// typeInto enters text into a field as a keyboard (or an input method)
// does, so the counter's input events fire. Key events cannot carry every
// character (a ZWNJ is lost), so the text is inserted as an IME commits it,
// after what the field holds already.
func (p *person) typeInto(sel, text string) {
	p.t.Helper()
	insert := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
		return err
	})
	toEnd := chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(f => f.setSelectionRange(f.value.length, f.value.length))(document.querySelector(%q))`, sel))
	p.do("type into "+sel, chromedp.Focus(chromedp.CSS(sel)), toEnd, insert)
}

func (p *person) signUp() {
	p.t.Helper()
	p.open("/")
	p.press(`a[href="/signup"]`)
	p.typeInto("#username", p.name)
	p.typeInto("#password", password)
	p.press(`form[action="/signup"] button`)
	if got := p.path(); got != "/" {
		p.t.Fatalf("%s: after signing up at %s, want /", p.name, got)
	}
}

// The post and the reply of the flow.
const (
	arabicPost = "صباح الخير من القاهرة إلى طهران #سلام\u200cدنیا"
	tagName    = "سلام\u200cدنیا"
	replyText  = "صبح بخیر! چه خبر؟"
)

func TestBrowser(t *testing.T) {
	chromiumPath(t)
	s := newSite(t)
	c := startChrome(t, s)
	for _, script := range []bool{true, false} {
		name := map[bool]string{true: "with-javascript", false: "without-javascript"}[script]
		t.Run(name, func(t *testing.T) {
			suffix := map[bool]string{true: "js", false: "nojs"}[script]
			conversation(t, c, "layla_"+suffix, "dariush_"+suffix, script)
		})
	}
	t.Run("counter-matches-server", func(t *testing.T) { counterParity(t, c) })
	t.Run("screenshots", func(t *testing.T) { screenshots(t, c) })

	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.requests) == 0 {
		t.Error("saw no requests at all; the network listener is broken")
	}
	for _, u := range c.requests {
		if !strings.HasPrefix(u, s.URL+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("a page asked another host: %s", u)
		}
	}
	for _, m := range c.console {
		t.Errorf("console: %s", m)
	}
}

// conversation is the flow of the issue, for one pair of people.
func conversation(t *testing.T, c *chrome, poster, reader string, script bool) {
	a := c.person(t, poster, script)
	b := c.person(t, reader, script)
	a.signUp()
	b.signUp()

	// The reader follows the poster from the poster's profile.
	b.open("/@" + poster)
	b.press(`.profile button[formaction$="/follow"]`)
	if got := b.path(); got != "/@"+poster {
		t.Fatalf("after following, at %s, want /@%s", got, poster)
	}
	b.wantText(".profile button", "Unfollow")

	// The poster writes in Arabic with a Persian hashtag. With scripts on,
	// the counter counts as the server does as the text is typed.
	a.open("/")
	a.typeInto("#text", arabicPost)
	counterHidden := eval[bool](a, `document.getElementById("cc").hidden`)
	if script {
		want := post.MaxLength - post.Length(arabicPost)
		if counterHidden {
			t.Error("with scripts on, the counter is hidden")
		} else if got := a.text("#cc"); got != fmt.Sprint(want) { // an English page: digits 0-9
			t.Errorf("counter shows %q, want %d", got, want)
		}
	} else if !counterHidden {
		t.Error("with scripts off, the counter shows; the script ran")
	}
	a.press(`form.compose button`)
	if got := a.path(); !strings.HasPrefix(got, "/#p-") {
		t.Fatalf("after posting, at %s, want /#p-ID", got)
	}
	a.wantText(".feed article .txt", "صباح الخير")

	// The reader sees it at home, opens the hashtag, and replies from there.
	b.open("/")
	b.wantText(".feed article .txt", "صباح الخير")
	// While the reader's home page is open, the poster posts again: with
	// scripts on, the page learns of it through /web/stream and offers it
	// in the "new posts" bar, whose link reloads the page; without, nothing
	// changes. The post is deleted again so the rest of the flow is the same.
	live := c.s.postAs(t, poster, "خبر عاجل", store.Public)
	if script {
		b.do("wait for the new posts bar", chromedp.WaitVisible(chromedp.CSS("#new-posts")))
		b.wantText("#new-posts", "1 new post: show it")
		b.press("#new-posts a")
		b.wantText(".feed article .txt", "خبر عاجل")
	} else {
		time.Sleep(500 * time.Millisecond)
		if !eval[bool](b, `document.getElementById("new-posts").hidden`) {
			t.Error("with scripts off, the new posts bar shows")
		}
	}
	if _, err := c.s.svc.Delete(t.Context(), c.s.account(t, poster), live.ID); err != nil {
		t.Fatal(err)
	}
	b.open("/")
	b.press(`.feed article .txt a.hashtag`)
	if got := b.text("h1"); got != "#"+tagName {
		t.Errorf("hashtag page heading %q, want %q", got, "#"+tagName)
	}
	b.wantText(".feed article .txt", "صباح الخير")
	b.press(`.feed article footer a.i-re`)
	if !strings.HasPrefix(b.path(), "/@"+poster+"/") {
		t.Fatalf("reply link went to %s, want the post's page", b.path())
	}
	if got := eval[string](b, `document.getElementById("text").value`); got != "@"+poster+" " {
		t.Errorf("the reply box starts with %q, want the poster's handle", got)
	}
	b.typeInto("#text", replyText)
	b.press(`#reply button`)
	b.wantText(".thread", replyText)
	if got := b.text(".thread article:last-child .txt"); got != "@"+poster+" "+replyText {
		t.Errorf("the reply reads %q, want the handle then the text", got)
	}

	// The poster finds the reply through the notification and sees the
	// whole conversation.
	a.open("/notifications")
	a.wantText(".notes", reader)
	a.press(`.notes article header a:last-child`)
	a.wantText(".thread .focus", replyText)
	a.wantText(".thread", "صباح الخير")
	if n := eval[int](a, `document.querySelectorAll(".thread article").length`); n != 2 {
		t.Errorf("the conversation shows %d posts, want 2", n)
	}

	// Posting over the limit shows the server's reason and keeps the text.
	long := strings.Repeat("ب", post.MaxLength+5)
	a.open("/")
	a.do("fill the post box", chromedp.SetValue(chromedp.CSS("#text"), long))
	a.press(`form.compose button`)
	a.wantText(".err", "145")
	if got := eval[string](a, `document.getElementById("text").value`); got != long {
		t.Errorf("after the refusal the box holds %d characters, want the %d typed", len([]rune(got)), len([]rune(long)))
	}
}

// counterParity checks the script's count against the server's on text
// where the rules are subtle: URLs, trailing punctuation, brackets,
// decomposed accents, white space at the ends, astral characters.
func counterParity(t *testing.T, c *chrome) {
	p := c.person(t, "counter", true)
	p.open("/public")
	cases := []string{
		"", "hello", "  padded \n\n", "https://example.com", "see https://example.com/a_(b) and http://x.y.",
		"(https://en.wikipedia.org/wiki/Go_(language))", "https://", "HTTPS://EXAMPLE.COM/ABC", "http://a]b]",
		"e\u0301 cafe\u0301", "😀 emoji 👩\u200d👩\u200d👧", "سلام https://example.ir/مسیر؟ و", "a\r\nb\rc", "\u00a0nbsp\u3000",
		"x https://a.b/c!?'\" y", "hxxp://nope https//nope", "ſ https://k.example", strings.Repeat("ع", 141),
	}
	for _, in := range cases {
		want := post.Length(strings.TrimSpace(post.Normalize(in)))
		js := fmt.Sprintf("sada.count(%q)", in)
		if got := eval[int](p, js); got != want {
			t.Errorf("count(%q) = %d in the browser, %d on the server", in, got, want)
		}
	}
}

// seed fills the site with what a home page looks like on an ordinary day,
// for the screenshots: several people, scripts and lengths, links, tags,
// mentions, a repost and a reply, spread over the last few days.
func seed(t *testing.T, s *site, reader string) {
	people := []struct{ name, display string }{
		{"maryam", "مریم"}, {"omar", "عمر الفاروق"}, {"sam", "Sam Okafor"}, {"nasrin", "نسرین"},
	}
	for _, p := range people {
		s.signUp(t, p.name)
		ac := s.account(t, p.name)
		dn := p.display
		if _, err := s.svc.UpdateProfile(t.Context(), ac, social.Profile{DisplayName: &dn}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.Follow(t.Context(), s.account(t, reader), ac.ID); err != nil {
			t.Fatal(err)
		}
	}
	posts := []struct {
		who, text string
		ago       time.Duration
	}{
		{"omar", "الإنترنت مقطوع في الحي منذ الصباح، لكن الرسائل القصيرة تصل. سأنشر التحديثات هنا. #انقطاع", 71 * time.Hour},
		{"sam", "Testing sada from a 2G connection: the home page loads in under two seconds. https://example.org/notes", 50 * time.Hour},
		{"nasrin", "کتاب تازه\u200cای خواندم دربارهٔ تاریخ رادیو در ایران. پیشنهاد می\u200cکنم! #کتاب", 26 * time.Hour},
		{"maryam", "@omar ممنون برای به\u200cروزرسانی\u200cها 🙏", 20 * time.Hour},
		{"omar", "عادت الكهرباء. شكرًا لكل من ساعد الجيران اليوم ❤\ufe0f", 9 * time.Hour},
		{"sam", "Reminder: posts are 140 characters, links count as 23. Short is a feature.", 5 * time.Hour},
		{"nasrin", "باران بهاری در تهران 🌧\ufe0f #بهار", 3 * time.Hour},
		{"maryam", "سلام به همه! اولین پست من در صدا. #سلام\u200cدنیا", 40 * time.Minute},
		{"omar", "مرحبا بالجميع على صدى 👋", 12 * time.Minute},
	}
	for _, p := range posts {
		seedPost(t, s, p.who, p.text, p.ago)
	}
	// Something to be notified of.
	mine, err := s.st.AccountStatuses(t.Context(), s.account(t, reader).ID, store.StatusFilter{}, store.Page{Limit: 1})
	if err != nil || len(mine) == 0 {
		t.Fatalf("%s's posts: %v", reader, err)
	}
	for _, who := range []string{"omar", "nasrin"} {
		if _, err := s.svc.Follow(t.Context(), s.account(t, who), s.account(t, reader).ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.Favourite(t.Context(), s.account(t, who), mine[0].ID); err != nil {
			t.Fatal(err)
		}
	}
}

// seedPost writes a post dated ago, as social would have delivered it then.
func seedPost(t *testing.T, s *site, who, text string, ago time.Duration) {
	t.Helper()
	author := s.account(t, who)
	at := time.Now().Add(-ago).UTC()
	ents := post.Parse(text)
	n := store.NewStatus{
		Status: &store.Status{
			ID: id.FromTime(at) + int64(len(text)%1000), AccountID: author.ID, Text: text,
			Visibility: store.Public, CreatedAt: at,
		},
		FanOutToFollowers: true, HomeIDs: []int64{author.ID},
	}
	for _, tag := range ents.Tags {
		n.Tags = append(n.Tags, tag)
		n.TagKeys = append(n.TagKeys, post.TagKey(tag))
	}
	for _, m := range ents.Mentions {
		if ac, err := s.st.AccountByUsername(t.Context(), m.Username); err == nil {
			n.MentionIDs = append(n.MentionIDs, ac.ID)
		}
	}
	if _, _, err := s.st.CreateStatus(t.Context(), n); err != nil {
		t.Fatalf("seed post by %s: %v", who, err)
	}
}

// screenshots saves the home page in Arabic, English and Persian at phone
// and desktop widths, full length, and a few other pages, for people to
// look at (CI keeps the folder).
func screenshots(t *testing.T, c *chrome) {
	dir := screenshotDir(t)
	const reader = "dariush_js"
	seed(t, c.s, reader)
	p := c.person(t, reader, true)
	p.open("/login")
	p.typeInto("#login", reader)
	p.typeInto("#password", password)
	p.press(`form[action="/login"] button`)
	p.press(`.feed article:nth-child(2) .i-fv`)

	for _, lang := range []string{"ar", "en", "fa"} {
		// The footer's language links, as a person would use them.
		p.open("/")
		p.press(fmt.Sprintf(`.langs a[lang=%q]`, lang))
		if got := eval[string](p, `document.documentElement.lang + " " + document.documentElement.dir`); !strings.HasPrefix(got, lang+" ") {
			t.Fatalf("after choosing %s, the page is %q", lang, got)
		}
		shoot(t, p, dir, "home-"+lang+"-phone", "/", phone)
		shoot(t, p, dir, "home-"+lang+"-desktop", "/", desktop)
	}

	layla, err := c.s.st.AccountStatuses(t.Context(), c.s.account(t, "layla_js").ID, store.StatusFilter{}, store.Page{Limit: 1})
	if err != nil || len(layla) == 0 {
		t.Fatalf("layla's posts: %v", err)
	}
	extra := []struct{ name, lang, path string }{
		{"profile-ar-phone", "ar", "/@omar"},
		{"conversation-en-desktop", "en", "/@layla_js/" + itoa(layla[0].ID)},
		{"notifications-fa-phone", "fa", "/notifications"},
		{"settings-en-phone", "en", "/settings"},
	}
	for _, e := range extra {
		p.open("/lang/" + e.lang + "?back=/")
		size := phone
		if strings.HasSuffix(e.name, "desktop") {
			size = desktop
		}
		shoot(t, p, dir, e.name, e.path, size)
	}
	// The narrowest phones: nothing may stick out sideways at 320 pixels.
	p.do("resize", chromedp.EmulateViewport(320, 640, chromedp.EmulateMobile, chromedp.EmulateTouch))
	for _, lang := range []string{"en", "ar", "fa"} {
		p.open("/lang/" + lang + "?back=/")
		for _, e := range append(extra, struct{ name, lang, path string }{"home", lang, "/"}) {
			p.open(e.path)
			if over := eval[int](p, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
				t.Errorf("%s at 320px in %s: the page is %dpx wider than the screen", e.path, lang, over)
			}
		}
	}

	p.open("/lang/ar?back=/")
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
	}); err != nil {
		t.Fatal(err)
	}
	shoot(t, p, dir, "home-ar-phone-dark", "/", phone)

	visitor := c.person(t, "visitor", false)
	visitor.open("/lang/ar?back=/")
	shoot(t, visitor, dir, "welcome-ar-phone", "/", phone)
	shoot(t, visitor, dir, "login-ar-phone", "/login", phone)
}

type viewport struct {
	width, height int64
	mobile        bool
}

var (
	phone   = viewport{360, 780, true}
	desktop = viewport{1280, 900, false}
)

// shoot saves a full-page screenshot of path at size as name.png, and
// checks that nothing sticks out sideways.
func shoot(t *testing.T, p *person, dir, name, path string, size viewport) {
	t.Helper()
	var opts []chromedp.EmulateViewportOption
	if size.mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	p.do("resize", chromedp.EmulateViewport(size.width, size.height, opts...))
	p.open(path)
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("saved %s", file)
	if over := eval[int](p, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
		t.Errorf("%s: the page is %dpx wider than the screen", name, over)
	}
}
