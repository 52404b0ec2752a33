package post

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// longURL is a URL well over URLLength characters, to show that URLs cost a
// flat URLLength.
const longURL = "https://example.org/a/very/long/path/that/goes/on/and/on/for/a/while?query=string&more=1"

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii", "hello", "hello"},
		{"decomposed e acute composes", "caf\u0065\u0301", "caf\u00e9"},
		{"composed stays", "caf\u00e9", "caf\u00e9"},
		{"crlf", "a\r\nb", "a\nb"},
		{"lone cr", "a\rb\r", "a\nb\n"},
		{"cr cr lf", "a\r\r\nb", "a\n\nb"},
		{"arabic unchanged", "السلام عليكم", "السلام عليكم"},
		{"persian zwnj kept", "می\u200cخواهم", "می\u200cخواهم"},
		{"hangul jamo compose", "\u1100\u1161", "\uac00"},
		{"invalid utf-8 replaced", "a\xffb", "a\uFFFDb"},
		{"whitespace kept", "  a  ", "  a  "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Normalize(tc.in)); diff != "" {
				t.Errorf("Normalize(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestLength(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"empty", "", 0},
		{"ascii", "hello", 5},
		{"arabic", "السلام عليكم", 12},
		{"arabic with harakat counts marks", "مَرْحَبًا", 9},
		{"persian zwnj counts", "می\u200cخواهم", 8},
		{"emoji", "👍", 1},
		{"emoji with skin tone", "👍🏽", 2},
		{"zwj family", "👨\u200d👩\u200d👧", 5},
		{"flag", "🇮🇷", 2},
		{"keycap", "#\ufe0f\u20e3", 3},
		{"decomposed e acute", "e\u0301", 1},
		{"composed e acute", "\u00e9", 1},
		{"combining mark without base", "\u0301", 1},
		{"direction marks count", "\u200fسلام\u200e", 6},
		{"crlf counts once", "a\r\nb", 3},
		{"long url", longURL, URLLength},
		{"short url", "http://a.io", URLLength},
		{"upper case scheme", "HTTPS://EXAMPLE.ORG/" + strings.Repeat("x", 50), URLLength},
		{"text and url", "see " + longURL, 4 + URLLength},
		{"two urls", longURL + " " + longURL, 2*URLLength + 1},
		{"url with trailing period", "see " + longURL + ".", 4 + URLLength + 1},
		{"url in parentheses", "(" + longURL + ")", 1 + URLLength + 1},
		{"bare scheme is text", "https://", 8},
		{"bare scheme and period", "http://.", 8},
		{"ftp is text", "ftp://example.org", 17},
		{"url glued to word", "see:https://example.org/" + strings.Repeat("x", 40), 4 + URLLength},
		{"invalid utf-8 counts replacement", "a\xff\xfeb", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Length(tc.in)); diff != "" {
				t.Errorf("Length(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr error
	}{
		{"plain", "hello", "hello", nil},
		{"exactly 140", strings.Repeat("a", 140), strings.Repeat("a", 140), nil},
		{"141 too long", strings.Repeat("a", 141), "", &TooLongError{Length: 141, Max: 140}},
		{"150 too long", strings.Repeat("ب", 150), "", &TooLongError{Length: 150, Max: 140}},
		{"140 emoji", strings.Repeat("😀", 140), strings.Repeat("😀", 140), nil},
		{"70 flags are 140", strings.Repeat("🇮🇷", 70), strings.Repeat("🇮🇷", 70), nil},
		{"71 flags too long", strings.Repeat("🇮🇷", 71), "", &TooLongError{Length: 142, Max: 140}},
		{"140 decomposed accents fit", strings.Repeat("e\u0301", 140), strings.Repeat("\u00e9", 140), nil},
		{
			"url counts 23 so 117 plus url fits",
			strings.Repeat("a", 116) + " " + longURL,
			strings.Repeat("a", 116) + " " + longURL,
			nil,
		},
		{
			"url counts 23 so 118 plus url is too long",
			strings.Repeat("a", 117) + " " + longURL,
			"",
			&TooLongError{Length: 141, Max: 140},
		},
		{"surrounding whitespace trimmed", "\n  hello\r\n\r\n", "hello", nil},
		{"trimmed whitespace does not count", strings.Repeat("a", 140) + "\n\n  ", strings.Repeat("a", 140), nil},
		{"crlf normalised", "a\r\nb", "a\nb", nil},
		{"empty", "", "", ErrEmpty},
		{"spaces", "   ", "", ErrEmpty},
		{"whitespace only", " \t\r\n\u00a0\u3000", "", ErrEmpty},
		{"direction mark only", "\u200f", "", ErrEmpty},
		{"zwnj and zwsp only", "\u200c \u200b", "", ErrEmpty},
		{"hangul filler only", "\u3164", "", ErrEmpty},
		{"arabic number sign is visible", "\u0600", "\u0600", nil},
		{"arabic", "السلام عليكم", "السلام عليكم", nil},
		{"persian with zwnj", "می\u200cخواهم", "می\u200cخواهم", nil},
		{"direction marks allowed", "\u200fسلام\u200e abc", "\u200fسلام\u200e abc", nil},
		{"tab allowed", "a\tb", "a\tb", nil},
		{"U+FFFE", "a\ufffeb", "", ErrForbiddenChar},
		{"U+FEFF", "\ufeffhello", "", ErrForbiddenChar},
		{"U+FFFF", "a\uffff", "", ErrForbiddenChar},
		{"U+202A", "a\u202ab", "", ErrForbiddenChar},
		{"U+202B", "a\u202bb", "", ErrForbiddenChar},
		{"U+202C", "a\u202cb", "", ErrForbiddenChar},
		{"U+202D", "a\u202db", "", ErrForbiddenChar},
		{"U+202E", "a\u202eb", "", ErrForbiddenChar},
		{"NUL", "a\x00b", "", ErrForbiddenChar},
		{"escape", "a\x1b[31mred", "", ErrForbiddenChar},
		{"C1 control", "a\u0085b", "", ErrForbiddenChar},
		{"bom only is empty", "\ufeff", "", ErrEmpty},
		{"forbidden beats too long", strings.Repeat("a", 200) + "\u202e", "", ErrForbiddenChar},
		{"invalid utf-8", "a\xffb", "", ErrInvalidUTF8},
		{"truncated utf-8", "\xd8", "", ErrInvalidUTF8},
		{"encoded surrogate", "\xed\xa0\x80", "", ErrInvalidUTF8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Check(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Check(%q) text mismatch (-want +got):\n%s", tc.in, diff)
			}
			assertError(t, err, tc.wantErr)
		})
	}
}

// assertError checks err against want: nil, a sentinel (by errors.Is) or a
// *TooLongError (by value).
func assertError(t *testing.T, err, want error) {
	t.Helper()
	var wantLong *TooLongError
	switch {
	case want == nil:
		if err != nil {
			t.Errorf("error = %v, want nil", err)
		}
	case errors.As(want, &wantLong):
		var got *TooLongError
		if !errors.As(err, &got) {
			t.Fatalf("error = %v, want %v", err, want)
		}
		if diff := cmp.Diff(wantLong, got); diff != "" {
			t.Errorf("TooLongError mismatch (-want +got):\n%s", diff)
		}
	case !errors.Is(err, want):
		t.Errorf("error = %v, want %v", err, want)
	}
}

func TestErrorMessages(t *testing.T) {
	_, forbidden := Check("a\u202eb")
	_, long := Check(strings.Repeat("a", 150))
	tests := []struct {
		name string
		in   error
		want string
	}{
		{"forbidden names the character", forbidden, "text contains a forbidden character U+202E"},
		{"too long", long, "text is 150 characters long; the limit is 140"},
		{"too long by hand", &TooLongError{Length: 141, Max: MaxLength}, "text is 141 characters long; the limit is 140"},
		{"empty", ErrEmpty, "text is empty"},
		{"invalid", ErrInvalidUTF8, "text is not valid UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.in == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tc.want, tc.in.Error()); diff != "" {
				t.Errorf("message mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkCheck(b *testing.B) {
	text := "سلام @alice@example.org! Read https://example.org/articles/2024/an-article-about-go?ref=sada " +
		"#golang #می\u200cخواهم 👨\u200d👩\u200d👧 cafe\u0301 and more text\r\nto count."
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Check(text); err != nil {
			b.Fatal(err)
		}
	}
}
