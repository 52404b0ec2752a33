package post

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeLinker knows the accounts in known (keyed "user" or "user@domain")
// and links tags under tagBase.
type fakeLinker struct {
	known   map[string]string
	tagBase string
}

var _ Linker = fakeLinker{}

func (f fakeLinker) MentionURL(m Mention) (string, bool) {
	k := m.Username
	if m.Domain != "" {
		k += "@" + m.Domain
	}
	u, ok := f.known[k]
	return u, ok
}

func (f fakeLinker) TagURL(name string) string {
	return f.tagBase + url.PathEscape(name)
}

// testLinker is the Linker for the HTML tests: alice is local, bob is on
// example.org, and nobody else is known.
var testLinker = fakeLinker{
	known: map[string]string{
		"alice":             "https://sada.example/@alice",
		"bob@example.org":   "https://example.org/@bob",
		"quote":             `https://sada.example/@a"b<c>&d`,
		"evil":              "javascript:alert(1)",
		"relative":          "/@relative",
		"schemeonly":        "https://",
		"upper@example.org": "HTTPS://example.org/@upper",
	},
	tagBase: "https://sada.example/tags/",
}

func TestHTML(t *testing.T) {
	const urlAttrs = `target="_blank" rel="nofollow noopener noreferrer"`
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"whitespace only", " \n\n \t", ""},
		{"plain", "hello", "<p>hello</p>"},
		{"surrounding whitespace dropped", "\n\n  hello \n", "<p>hello</p>"},
		{"line break", "a\nb", "<p>a<br />b</p>"},
		{"crlf line break", "a\r\nb", "<p>a<br />b</p>"},
		{"paragraphs", "a\n\nb", "<p>a</p><p>b</p>"},
		{"many blank lines are one break", "a\n\n\n\nb", "<p>a</p><p>b</p>"},
		{"paragraphs and breaks", "a\nb\n\nc\nd", "<p>a<br />b</p><p>c<br />d</p>"},
		{"line with spaces is not blank", "a\n \nb", "<p>a<br /> <br />b</p>"},
		{"script escaped", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
		{"markup escaped", `<b onclick="x">&amp;</b> 'q'`, "<p>&lt;b onclick=&#34;x&#34;&gt;&amp;amp;&lt;/b&gt; &#39;q&#39;</p>"},
		{"arabic", "السلام عليكم", "<p>السلام عليكم</p>"},
		{"decomposed rendered composed", "cafe\u0301", "<p>caf\u00e9</p>"},
		{
			"known mention",
			"hi @alice!",
			`<p>hi <span class="h-card"><a href="https://sada.example/@alice" class="u-url mention">@<span>alice</span></a></span>!</p>`,
		},
		{
			"remote mention keeps domain",
			"@bob@example.org",
			`<p><span class="h-card"><a href="https://example.org/@bob" class="u-url mention">@<span>bob@example.org</span></a></span></p>`,
		},
		{
			"mention shown as written",
			"@upper@example.org",
			`<p><span class="h-card"><a href="HTTPS://example.org/@upper" class="u-url mention">@<span>upper@example.org</span></a></span></p>`,
		},
		{"unknown mention is plain", "@carol hi", "<p>@carol hi</p>"},
		{"unknown remote mention is plain", "@alice@elsewhere.example", "<p>@alice@elsewhere.example</p>"},
		{"email is plain", "alice@example.org", "<p>alice@example.org</p>"},
		{
			"linker url escaped",
			"@quote",
			`<p><span class="h-card"><a href="https://sada.example/@a&#34;b&lt;c&gt;&amp;d" class="u-url mention">@<span>quote</span></a></span></p>`,
		},
		{"linker javascript url not linked", "@evil", "<p>@evil</p>"},
		{"linker relative url not linked", "@relative", "<p>@relative</p>"},
		{"linker bare scheme not linked", "@schemeonly", "<p>@schemeonly</p>"},
		{
			"hashtag",
			"#GoLang rocks",
			`<p><a href="https://sada.example/tags/GoLang" class="mention hashtag" rel="tag">#<span>GoLang</span></a> rocks</p>`,
		},
		{
			"arabic hashtag",
			"#مصر",
			`<p><a href="https://sada.example/tags/%D9%85%D8%B5%D8%B1" class="mention hashtag" rel="tag">#<span>مصر</span></a></p>`,
		},
		{"not a tag stays text", "#123 C#", "<p>#123 C#</p>"},
		{
			"url",
			"see https://example.org/a?b=1&c=2.",
			`<p>see <a href="https://example.org/a?b=1&amp;c=2" ` + urlAttrs + `>https://example.org/a?b=1&amp;c=2</a>.</p>`,
		},
		{
			"quotes in url escaped",
			`https://example.org/"onmouseover="alert(1)`,
			`<p><a href="https://example.org/&#34;onmouseover=&#34;alert(1)" ` + urlAttrs + `>https://example.org/&#34;onmouseover=&#34;alert(1)</a></p>`,
		},
		{
			"markup in url escaped",
			`https://example.org/<script>x</script>`,
			`<p><a href="https://example.org/&lt;script&gt;x&lt;/script&gt;" ` + urlAttrs + `>https://example.org/&lt;script&gt;x&lt;/script&gt;</a></p>`,
		},
		{"javascript url not linked", "javascript:alert(1)", "<p>javascript:alert(1)</p>"},
		{
			"mention and tag inside url not linked",
			"https://example.org/@alice#golang",
			`<p><a href="https://example.org/@alice#golang" ` + urlAttrs + `>https://example.org/@alice#golang</a></p>`,
		},
		{
			"entities across lines",
			"@alice\n\n#go\nhttps://a.io",
			`<p><span class="h-card"><a href="https://sada.example/@alice" class="u-url mention">@<span>alice</span></a></span></p>` +
				`<p><a href="https://sada.example/tags/go" class="mention hashtag" rel="tag">#<span>go</span></a><br />` +
				`<a href="https://a.io" ` + urlAttrs + `>https://a.io</a></p>`,
		},
		{"invalid utf-8 replaced", "a\xffb", "<p>a\uFFFDb</p>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, HTML(tc.in, testLinker)); diff != "" {
				t.Errorf("HTML(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestHTMLNilLinker(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"mention plain", "@alice", "<p>@alice</p>"},
		{"tag plain", "#go", "<p>#go</p>"},
		{
			"url still linked",
			"https://a.io",
			`<p><a href="https://a.io" target="_blank" rel="nofollow noopener noreferrer">https://a.io</a></p>`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, HTML(tc.in, nil)); diff != "" {
				t.Errorf("HTML(%q, nil) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func BenchmarkHTML(b *testing.B) {
	text := "سلام @alice and @bob@example.org! Read https://example.org/articles/2024/go?ref=sada&x=<1>\n\n" +
		"#golang #می\u200cخواهم 👨\u200d👩\u200d👧\nmore <text> & \"quotes\"."
	b.ReportAllocs()
	for b.Loop() {
		if HTML(text, testLinker) == "" {
			b.Fatal("empty")
		}
	}
}
