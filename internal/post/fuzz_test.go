package post

import (
	"errors"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fuzzSeeds are starting inputs for both fuzz targets: each script and rule
// the tables cover, plus the awkward corners.
var fuzzSeeds = []string{
	"",
	"hello",
	"السلام عليكم #مصر @alice",
	"#می\u200cخواهم #ایران\u200c",
	"👨\u200d👩\u200d👧 🇮🇷 #\ufe0f\u20e3",
	"cafe\u0301 CAF\u00c9",
	"see " + longURL + ". (https://en.wikipedia.org/wiki/Go_(language))",
	"@alice@example.org a@b.com https://x.io/@bob#tag",
	"<script>alert(1)</script> &#39; \"q\"",
	`https://example.org/"onmouseover="alert(1)`,
	"a\r\n\r\nb\rc",
	"\u202e\ufeff\ufffe\uffff\x00",
	"a\xffb\xed\xa0\x80",
	strings.Repeat("a", 141),
	strings.Repeat("\u0301", 40),
	" \u200f\u3164 ",
}

// knownTags matches the markup HTML emits; hrefs are escaped, so none of
// them contains '"', '<' or '>'.
var knownTags = regexp.MustCompile(`<p>|</p>|<br />|<span class="h-card">|<span>|</span>|</a>|` +
	`<a href="[^"<>]*" (?:class="u-url mention"|class="mention hashtag" rel="tag"|target="_blank" rel="nofollow noopener noreferrer")>`)

// fuzzLinker knows every username of even length and returns URLs full of
// characters that need escaping, so that escaping of Linker output is
// fuzzed too.
type fuzzLinker struct{}

func (fuzzLinker) MentionURL(m Mention) (string, bool) {
	return `https://sada.example/@` + m.Username + `?d=` + m.Domain + `&q="<x>'`, len(m.Username)%2 == 0
}

func (fuzzLinker) TagURL(name string) string {
	return `https://sada.example/tags/` + name + `"<>&'`
}

func FuzzCheck(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n := Normalize(in)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q, not valid UTF-8", in, n)
		}
		if !norm.NFC.IsNormalString(n) {
			t.Fatalf("Normalize(%q) = %q, not NFC", in, n)
		}
		if strings.Contains(n, "\r") {
			t.Fatalf("Normalize(%q) = %q, contains \\r", in, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q", in, n, again)
		}
		if a, b := Length(n), Length(in); a != b {
			t.Fatalf("Length(Normalize(%q)) = %d, Length = %d", in, a, b)
		}

		out, err := Check(in)
		var long *TooLongError
		switch {
		case err == nil:
			if !norm.NFC.IsNormalString(out) {
				t.Fatalf("Check(%q) = %q, not NFC", in, out)
			}
			if l := Length(out); l > MaxLength || l == 0 {
				t.Fatalf("Check(%q) = %q, accepted with length %d", in, out, l)
			}
			if again, err := Check(out); again != out || err != nil {
				t.Fatalf("Check not idempotent: %q -> %q -> %q, %v", in, out, again, err)
			}
		case out != "":
			t.Fatalf("Check(%q) = %q, %v: text returned with an error", in, out, err)
		case errors.As(err, &long):
			if long.Length <= long.Max || long.Max != MaxLength {
				t.Fatalf("Check(%q): %v", in, err)
			}
		case !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrForbiddenChar) && !errors.Is(err, ErrInvalidUTF8):
			t.Fatalf("Check(%q): unexpected error %v", in, err)
		}

		e := Parse(in)
		if en := Parse(n); !slices.Equal(e.Mentions, en.Mentions) || !slices.Equal(e.Tags, en.Tags) || !slices.Equal(e.URLs, en.URLs) {
			t.Fatalf("Parse(%q) = %+v, Parse(Normalize) = %+v", in, e, en)
		}
		for _, tag := range e.Tags {
			if !ValidTag(tag) {
				t.Fatalf("Parse(%q) found tag %q that ValidTag refuses", in, tag)
			}
			k := TagKey(tag)
			if again := TagKey(k); again != k {
				t.Fatalf("TagKey not idempotent: %q -> %q -> %q", tag, k, again)
			}
		}
		for _, m := range e.Mentions {
			if m.Username == "" || len(m.Username) > maxUsername {
				t.Fatalf("Parse(%q) found bad mention %+v", in, m)
			}
		}
		for _, u := range e.URLs {
			if schemeLen(u) == 0 || strings.ContainsFunc(u, unicode.IsSpace) {
				t.Fatalf("Parse(%q) found bad URL %q", in, u)
			}
		}
	})
}

func FuzzHTML(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := HTML(in, fuzzLinker{})
		if strings.Contains(strings.ToLower(out), "<script") {
			t.Fatalf("HTML(%q) = %q, contains <script", in, out)
		}
		if rest := knownTags.ReplaceAllString(out, ""); strings.ContainsAny(rest, "<>") {
			t.Fatalf("HTML(%q) = %q, user markup survives: %q", in, out, rest)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("HTML(%q) = %q, not valid UTF-8", in, out)
		}
		for _, u := range Parse(in).URLs {
			if !strings.Contains(out, `<a href="`+html.EscapeString(u)+`" target="_blank"`) {
				t.Fatalf("HTML(%q) = %q, URL %q not linked", in, out, u)
			}
		}
		if stored, err := Check(in); err == nil {
			if again := HTML(stored, fuzzLinker{}); again != out {
				t.Fatalf("HTML(%q) = %q, HTML(Check) = %q", in, out, again)
			}
		}
		if strings.TrimSpace(Normalize(in)) == "" && out != "" {
			t.Fatalf("HTML(%q) = %q, want empty", in, out)
		}
		if nilOut := HTML(in, nil); strings.Contains(nilOut, `class="h-card"`) || strings.Contains(nilOut, `rel="tag"`) {
			t.Fatalf("HTML(%q, nil) = %q, links a mention or tag", in, nilOut)
		}
	})
}
