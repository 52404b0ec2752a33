package post

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Entities
	}{
		{"empty", "", Entities{}},
		{"plain", "just words", Entities{}},

		// Mentions.
		{"local mention", "@alice", Entities{Mentions: []Mention{{"alice", ""}}}},
		{"remote mention", "hi @alice@example.org!", Entities{Mentions: []Mention{{"alice", "example.org"}}}},
		{"mention ends sentence", "thanks @bob.", Entities{Mentions: []Mention{{"bob", ""}}}},
		{"remote mention ends sentence", "ask @bob@example.org.", Entities{Mentions: []Mention{{"bob", "example.org"}}}},
		{"mention with underscore and digits", "@b_0b", Entities{Mentions: []Mention{{"b_0b", ""}}}},
		{"mention in parentheses", "(@alice)", Entities{Mentions: []Mention{{"alice", ""}}}},
		{"mention after arabic comma", "سلام،@alice", Entities{Mentions: []Mention{{"alice", ""}}}},
		{"hyphenated domain", "@a@my-host.example", Entities{Mentions: []Mention{{"a", "my-host.example"}}}},
		{"idn domain", "@a@bücher.example", Entities{Mentions: []Mention{{"a", "bücher.example"}}}},
		{"domain must start with a letter or digit", "@a@.example", Entities{Mentions: []Mention{{"a", ""}}}},
		{"trailing at is not a domain", "@alice@ hi", Entities{Mentions: []Mention{{"alice", ""}}}},
		{"email is not a mention", "mail alice@example.org", Entities{}},
		{"at after at is not a mention", "@@alice", Entities{}},
		{"at after slash is not a mention", "path/@alice", Entities{}},
		{"at after arabic letter is not a mention", "سلام@alice", Entities{}},
		{"bare at", "@ alice", Entities{}},
		{"username of 30", "@" + strings.Repeat("a", 30), Entities{Mentions: []Mention{{strings.Repeat("a", 30), ""}}}},
		{"username of 31 is not a mention", "@" + strings.Repeat("a", 31), Entities{}},
		{"username running into letters", "@alicé", Entities{}},
		{
			"mentions de-duplicated case-insensitively",
			"@Alice @alice @ALICE@Example.org @alice@example.org @bob",
			Entities{Mentions: []Mention{{"Alice", ""}, {"ALICE", "Example.org"}, {"bob", ""}}},
		},
		{
			"mention inside url is not a mention",
			"https://example.org/@alice",
			Entities{URLs: []string{"https://example.org/@alice"}},
		},

		// Hashtags.
		{"latin tag", "#golang", Entities{Tags: []string{"golang"}}},
		{"tag as written", "I like #GoLang.", Entities{Tags: []string{"GoLang"}}},
		{"arabic tag", "#مصر", Entities{Tags: []string{"مصر"}}},
		{"arabic tag with harakat", "#مَصْر", Entities{Tags: []string{"مَصْر"}}},
		{"arabic tag in sentence", "أخبار #مصر اليوم", Entities{Tags: []string{"مصر"}}},
		{"persian tag", "#ایران", Entities{Tags: []string{"ایران"}}},
		{"persian zwnj compound is one tag", "#می\u200cخواهم", Entities{Tags: []string{"می\u200cخواهم"}}},
		{"trailing zwnj dropped", "#ایران\u200c ", Entities{Tags: []string{"ایران"}}},
		{"double zwnj ends tag", "#ab\u200c\u200ccd", Entities{Tags: []string{"ab"}}},
		{"leading zwnj is not a tag", "#\u200cabc", Entities{}},
		{"cyrillic tag", "#Москва", Entities{Tags: []string{"Москва"}}},
		{"japanese tag", "#日本語", Entities{Tags: []string{"日本語"}}},
		{"decomposed tag normalised", "#cafe\u0301", Entities{Tags: []string{"caf\u00e9"}}},
		{"tag with digits", "#web3", Entities{Tags: []string{"web3"}}},
		{"tag with persian digits", "#۱۴۰۳سال", Entities{Tags: []string{"۱۴۰۳سال"}}},
		{"tag with underscore", "#a_b", Entities{Tags: []string{"a_b"}}},
		{"tag ends at hyphen", "#foo-bar", Entities{Tags: []string{"foo"}}},
		{"digits only is not a tag", "#123", Entities{}},
		{"persian digits only is not a tag", "#۱۲۳", Entities{}},
		{"underscore only is not a tag", "#_", Entities{}},
		{"bare hash", "# hello", Entities{}},
		{"hash inside word is not a tag", "a#b", Entities{}},
		{"C sharp is not a tag", "C# rocks", Entities{}},
		{"html entity is not a tag", "&#39;", Entities{}},
		{"keycap emoji is not a tag", "#\ufe0f\u20e3", Entities{}},
		{"emoji is not a tag", "#🎉", Entities{}},
		{"tag glued to tag", "#a#b", Entities{Tags: []string{"a"}}},
		{
			"url fragment is not a tag",
			"https://example.org/page#section",
			Entities{URLs: []string{"https://example.org/page#section"}},
		},
		{
			"tags de-duplicated by key",
			"#Go #go #GO #Straße #STRASSE #مصر #مصر",
			Entities{Tags: []string{"Go", "Straße", "مصر"}},
		},

		// URLs.
		{"url", "see " + longURL, Entities{URLs: []string{longURL}}},
		{"two urls", "http://a.io and https://b.io/x", Entities{URLs: []string{"http://a.io", "https://b.io/x"}}},
		{"repeated url kept", "https://a.io https://a.io", Entities{URLs: []string{"https://a.io", "https://a.io"}}},
		{"trailing period", "go to https://example.org.", Entities{URLs: []string{"https://example.org"}}},
		{"trailing punctuation", "https://example.org/?!,;:'\"", Entities{URLs: []string{"https://example.org/"}}},
		{"unbalanced paren", "(see https://example.org)", Entities{URLs: []string{"https://example.org"}}},
		{
			"balanced paren kept",
			"(https://en.wikipedia.org/wiki/Go_(language)).",
			Entities{URLs: []string{"https://en.wikipedia.org/wiki/Go_(language)"}},
		},
		{"unbalanced bracket", "[https://example.org]", Entities{URLs: []string{"https://example.org"}}},
		{"quoted url", "\"https://example.org\"", Entities{URLs: []string{"https://example.org"}}},
		{"upper case scheme", "HTTPS://Example.org", Entities{URLs: []string{"HTTPS://Example.org"}}},
		{"url after arabic", "ببینید:https://example.org", Entities{URLs: []string{"https://example.org"}}},
		{"url with arabic path", "https://ar.wikipedia.org/wiki/مصر", Entities{URLs: []string{"https://ar.wikipedia.org/wiki/مصر"}}},
		{"url ends at ideographic space", "https://a.io\u3000x", Entities{URLs: []string{"https://a.io"}}},
		{"bare scheme", "https:// x", Entities{}},
		{"other schemes ignored", "ftp://a.io javascript:alert(1) mailto:a@b.io", Entities{}},
		{"long s is not a scheme", "http\u017f://a.io", Entities{}},
		{
			"all three",
			"@alice look #here: https://example.org/#not and @bob@b.example #Here",
			Entities{
				Mentions: []Mention{{"alice", ""}, {"bob", "b.example"}},
				Tags:     []string{"here"},
				URLs:     []string{"https://example.org/#not"},
			},
		},
		{
			"mention running into url",
			"@alicehttps://example.org",
			Entities{URLs: []string{"https://example.org"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Parse(tc.in)); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestTagKey(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"lower", "golang", "golang"},
		{"latin case-insensitive", "GoLang", "golang"},
		{"leading hash removed", "#GoLang", "golang"},
		{"only one hash removed", "##go", "#go"},
		{"decomposed and composed agree", "Cafe\u0301", "caf\u00e9"},
		{"composed upper", "CAF\u00c9", "caf\u00e9"},
		{"full case folding", "Straße", "strasse"},
		{"greek final sigma", "ΟΔΟΣ", "οδοσ"},
		{"cyrillic", "Москва", "москва"},
		{"arabic unchanged", "مصر", "مصر"},
		{"persian zwnj kept", "می\u200cخواهم", "می\u200cخواهم"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, TagKey(tc.in)); diff != "" {
				t.Errorf("TagKey(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestValidTag(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"latin", "golang", true},
		{"mixed case", "GoLang", true},
		{"arabic", "مصر", true},
		{"persian", "ایران", true},
		{"persian zwnj compound", "می\u200cخواهم", true},
		{"digits and letters", "web3", true},
		{"underscore", "a_b", true},
		{"decomposed accent", "cafe\u0301", true},
		{"empty", "", false},
		{"digits only", "123", false},
		{"with hash", "#golang", false},
		{"space", "go lang", false},
		{"hyphen", "go-lang", false},
		{"trailing zwnj", "ایران\u200c", false},
		{"leading zwnj", "\u200cایران", false},
		{"leading mark", "\u0301a", false},
		{"emoji", "🎉", false},
		{"slash", "a/b", false},
		{"invalid utf-8", "a\xff", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ValidTag(tc.in)); diff != "" {
				t.Errorf("ValidTag(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}
