// Package post holds the text rules for posts: how text is normalised and
// counted, which characters are refused, which mentions, hashtags and links
// it contains, and how it is rendered to HTML. It is pure: no storage and no
// transport, so every surface (API, web, SMS) applies the same rules and the
// rules can be fuzzed on their own.
package post

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxLength is the limit on a post, in code points after NFC, so that the
// same text typed with composed or decomposed accents costs the same.
const MaxLength = 140

// URLLength is what every http(s) URL costs towards MaxLength whatever its
// real length, as Mastodon and twitter-text count, so that users need no
// link shortener and clients can count the same way.
const URLLength = 23

// ErrEmpty is returned by Check for text with nothing visible in it, so
// that blank posts are refused rather than stored.
var ErrEmpty = errors.New("text is empty")

// ErrForbiddenChar is returned (wrapped, naming the character) by Check for
// text carrying a character that is never wanted in a post: byte-order marks
// and non-characters, bidi overrides that can make text display differently
// from how it reads (the "Trojan Source" trick), and control characters that
// PostgreSQL (NUL) or XML feeds cannot carry.
var ErrForbiddenChar = errors.New("text contains a forbidden character")

// ErrInvalidUTF8 is returned by Check for text that is not valid UTF-8, so
// that broken input is refused instead of being silently repaired.
var ErrInvalidUTF8 = errors.New("text is not valid UTF-8")

// TooLongError reports text over the limit with both numbers, so that a
// client can show the user how much to cut. Length is counted as Length
// counts the text Check would have stored.
type TooLongError struct {
	Length, Max int
}

// Error says how long the text is and what the limit is, in words safe to
// show to the user.
func (e *TooLongError) Error() string {
	return fmt.Sprintf("text is %d characters long; the limit is %d", e.Length, e.Max)
}

// Normalize returns text in the form it is stored and counted in: NFC, with
// \r\n and \r turned into \n. Invalid UTF-8 sequences become U+FFFD so that
// the result is always valid; Check refuses such text before this happens.
func Normalize(text string) string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	return norm.NFC.String(text)
}

// Length is what text costs towards MaxLength: code points of
// Normalize(text), with each http(s) URL costing URLLength.
func Length(text string) int {
	return length(Normalize(text))
}

// length counts already normalised text.
func length(s string) int {
	n := utf8.RuneCountInString(s)
	for _, u := range findURLs(s) {
		n += URLLength - utf8.RuneCountInString(s[u.start:u.end])
	}
	return n
}

// Check validates text for posting and returns it in the form to store:
// normalised and with surrounding whitespace removed (as Mastodon strips it),
// so that trailing newlines neither count nor render as empty paragraphs.
// Errors are ErrInvalidUTF8, ErrEmpty, ErrForbiddenChar (wrapped) or a
// *TooLongError, checked in that order.
func Check(text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", ErrInvalidUTF8
	}
	s := strings.TrimSpace(Normalize(text))
	if blank(s) {
		return "", ErrEmpty
	}
	for _, r := range s {
		if forbidden(r) {
			return "", fmt.Errorf("%w U+%04X", ErrForbiddenChar, r)
		}
	}
	if n := length(s); n > MaxLength {
		return "", &TooLongError{Length: n, Max: MaxLength}
	}
	return s, nil
}

// blank reports whether s shows nothing: only whitespace and invisible
// (default-ignorable) characters such as direction marks, zero-width joiners
// or Hangul fillers, which are otherwise allowed inside text.
func blank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !ignorable(r) {
			return false
		}
	}
	return true
}

// ignorable approximates Unicode's derived Default_Ignorable_Code_Point,
// which the standard library has no table for: format characters and
// variation selectors, except the visible prepended concatenation marks
// (such as U+0600 ARABIC NUMBER SIGN) and the interlinear annotation and
// Egyptian format controls that the derivation excludes.
func ignorable(r rune) bool {
	switch {
	case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r),
		unicode.Is(unicode.Variation_Selector, r):
		return true
	case unicode.Is(unicode.Prepended_Concatenation_Mark, r),
		r >= 0xFFF9 && r <= 0xFFFB,
		r >= 0x13430 && r <= 0x1343F:
		return false
	}
	return unicode.Is(unicode.Cf, r)
}

// forbidden reports characters Check refuses. Tab and newline are the only
// control characters a post needs; direction marks (U+200E, U+200F) and
// ZWNJ (U+200C) stay allowed because Arabic and Persian text needs them.
func forbidden(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r == 0xFFFE, r == 0xFEFF, r == 0xFFFF,
		r >= 0x202A && r <= 0x202E,
		unicode.Is(unicode.Cc, r):
		return true
	}
	return false
}
