// Package search holds the text rules of full-text search: one Normalize
// applied both to what is indexed and to what people type, so that the
// spellings a reader of Arabic, Persian or a Latin-script language treats as
// the same word are the same word to the index.
//
// The rules, in order:
//   - NFKC, so presentation forms and ligatures (ﻻ, ﬁ, full-width Latin)
//     become the letters they show, and composed and decomposed input agree.
//   - Arabic diacritics (tashkeel: harakat, tanwin, shadda, sukun, superscript
//     alef, Quranic marks) and tatweel (ـ) are removed.
//   - Alef forms أ إ آ ٱ ٲ ٳ become ا.
//   - Yeh: Arabic ي, Persian ی and alef maksura ى become ي; kaf: Persian
//     ک becomes Arabic ك.
//   - Teh marbuta ة, heh with yeh above ۀ and ae ە become heh ه, so that
//     spellings with and without the dots, and Persian ezafe, match.
//   - Invisible format characters (Unicode Cf) are removed, except the
//     zero-width space, which separates words in Thai and becomes a space. That includes
//     the zero-width non-joiner of Persian compounds, so "می‌خواهم" and
//     "میخواهم" are one word. IndexText also indexes the parts of such a
//     compound, so "کتاب‌ها" is found by "کتاب" too.
//   - Arabic-Indic ٠–٩ and Persian ۰–۹ digits become ASCII 0–9.
//   - Latin letters lose their accents (é → e, ş → s) and everything is
//     lower-cased.
//
// Word boundaries are left to the index (SQLite FTS5's unicode61 tokenizer,
// PostgreSQL's parser): Terms splits a query the same way, on anything that
// is not a letter, digit or combining mark.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxTerms bounds how many words of a query are used; a longer query is cut,
// which keeps every search cheap whatever is typed.
const MaxTerms = 16

// Letters that Normalize unifies.
const (
	alef      = 'ا'
	yeh       = 'ي'
	kaf       = 'ك'
	heh       = 'ه'
	tatweel   = 'ـ'
	zwnj      = '\u200c'
	zwsp      = '\u200b'
	superAlef = '\u0670' // superscript (dagger) alef, a diacritic
)

// fold maps single letters to the one form the index keeps.
var fold = map[rune]rune{
	'أ': alef, 'إ': alef, 'آ': alef, 'ٱ': alef, 'ٲ': alef, 'ٳ': alef,
	'ی': yeh, 'ى': yeh,
	'ک': kaf,
	'ة': heh, 'ۀ': heh, 'ە': heh,
}

// Normalize returns text in the form the index compares: see the package
// documentation for the rules. It is pure and idempotent.
func Normalize(text string) string {
	text = norm.NFKC.String(text)
	var b strings.Builder
	b.Grow(len(text))
	// stripMarks is whether combining marks after the current base letter
	// are accents to drop: on Latin and Arabic letters they are; on other
	// scripts (Devanagari vowel signs, say) they are part of the word.
	stripMarks := false
	for _, r := range text {
		if r < utf8.RuneSelf { // ASCII: only case matters
			b.WriteRune(unicode.ToLower(r))
			stripMarks = isASCIILetter(r)
			continue
		}
		switch {
		case r == zwsp: // a word break in Thai or Khmer, not a joiner
			b.WriteByte(' ')
			stripMarks = false
			continue
		case r == tatweel || unicode.Is(unicode.Cf, r):
			continue
		case arabicMark(r):
			continue
		case unicode.Is(unicode.Mn, r):
			if !stripMarks {
				b.WriteRune(r)
			}
			continue
		case r >= '٠' && r <= '٩':
			b.WriteByte(byte('0' + r - '٠'))
			stripMarks = false
			continue
		case r >= '۰' && r <= '۹':
			b.WriteByte(byte('0' + r - '۰'))
			stripMarks = false
			continue
		}
		if f, ok := fold[r]; ok {
			r = f
		}
		switch {
		case unicode.Is(unicode.Latin, r):
			writeLatin(&b, r)
			stripMarks = true
		default:
			b.WriteRune(unicode.ToLower(r))
			stripMarks = unicode.Is(unicode.Arabic, r)
		}
	}
	return b.String()
}

func isASCIILetter(r rune) bool { return r|0x20 >= 'a' && r|0x20 <= 'z' }

// writeLatin writes a Latin letter without its accents, lower-cased.
func writeLatin(b *strings.Builder, r rune) {
	d := norm.NFD.PropertiesString(string(r)).Decomposition()
	if d == nil {
		b.WriteRune(unicode.ToLower(r))
		return
	}
	for _, c := range string(d) {
		if !unicode.Is(unicode.Mn, c) {
			b.WriteRune(unicode.ToLower(c))
		}
	}
}

// arabicMark reports whether r is an Arabic diacritic: the harakat and
// tanwin (U+064B–U+065F), the superscript alef, and the small high marks of
// Quranic text. Listed by code point because Unicode files most harakat
// under the "Inherited" script, not under Arabic.
func arabicMark(r rune) bool {
	switch {
	case r >= 0x0610 && r <= 0x061A,
		r >= 0x064B && r <= 0x065F,
		r == superAlef,
		r >= 0x06D6 && r <= 0x06DC,
		r >= 0x06DF && r <= 0x06E4,
		r >= 0x06E7 && r <= 0x06E8,
		r >= 0x06EA && r <= 0x06ED,
		r >= 0x08D3 && r <= 0x08FF:
		return true
	}
	return false
}

// IndexText is what the index stores for a post (or a name): Normalize of
// the text, followed by the parts of every compound written with a
// zero-width non-joiner, so that a search finds "کتاب‌ها" both as a whole
// ("کتابها") and by its stem ("کتاب").
func IndexText(text string) string {
	out := Normalize(text)
	if !strings.ContainsRune(text, zwnj) {
		return out
	}
	var b strings.Builder
	b.WriteString(out)
	for _, w := range strings.Fields(norm.NFKC.String(text)) {
		if !strings.ContainsRune(w, zwnj) {
			continue
		}
		for _, part := range strings.Split(w, string(zwnj)) {
			if p := Normalize(part); p != "" {
				b.WriteByte(' ')
				b.WriteString(p)
			}
		}
	}
	return b.String()
}

// Terms splits a query into the normalised words an index looks up, at
// most MaxTerms of them. Everything that is not a letter, a digit or a
// combining mark separates words, so no character typed can be read as
// query syntax by the index.
func Terms(query string) []string {
	words := strings.FieldsFunc(Normalize(query), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && !unicode.Is(unicode.Nl, r)
	})
	switch {
	case len(words) == 0:
		return nil
	case len(words) > MaxTerms:
		words = words[:MaxTerms]
	}
	return words
}
