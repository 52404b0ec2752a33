package post

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Mention is an account named in a post, split the way it was written so
// that the caller can resolve local ("@alice") and remote
// ("@alice@example.org", Domain "example.org") accounts.
type Mention struct {
	Username, Domain string
}

// Entities are what Parse finds in a post: whom to notify, which tag
// timelines it belongs to, and which links might get a preview card.
type Entities struct {
	// Mentions are in order of appearance, de-duplicated
	// case-insensitively because usernames and domains are.
	Mentions []Mention
	// Tags are hashtag names without '#', as first written, de-duplicated
	// by TagKey so "#Go" and "#go" are one tag.
	Tags []string
	// URLs are the http(s) links as written, in order, repeats included.
	URLs []string
}

// Parse finds the mentions, hashtags and URLs in Normalize(text). Text
// inside a URL never yields a mention or a tag.
func Parse(text string) Entities {
	s := Normalize(text)
	var e Entities
	seenMention := map[string]bool{}
	seenTag := map[string]bool{}
	for _, t := range scan(s) {
		v := s[t.start:t.end]
		switch t.kind {
		case kindURL:
			e.URLs = append(e.URLs, v)
		case kindMention:
			m := t.mention
			k := strings.ToLower(m.Username) + "@" + strings.ToLower(m.Domain)
			if !seenMention[k] {
				seenMention[k] = true
				e.Mentions = append(e.Mentions, m)
			}
		case kindTag:
			name := v[1:]
			if k := TagKey(name); !seenTag[k] {
				seenTag[k] = true
				e.Tags = append(e.Tags, name)
			}
		}
	}
	return e
}

// TagKey is the canonical form under which a tag is stored and matched, so
// that "#Café", "#café" and a decomposed "#cafe\u0301" are one tag: a leading
// '#' removed, then Unicode canonical caseless matching (NFD, full case
// folding) and NFC for storage. Scripts without case, such as Arabic, are
// only normalised; folding variant letters (Arabic and Persian yeh, kaf) is
// left to search.
func TagKey(name string) string {
	name = strings.TrimPrefix(name, "#")
	// A Caser holds state, so one is made per call rather than shared.
	return norm.NFC.String(cases.Fold().String(norm.NFD.String(name)))
}

// ValidTag reports whether name, without '#', is exactly one hashtag as
// Parse would find it, so that routes such as /tags/{name} accept the same
// names posts create.
func ValidTag(name string) bool {
	if name == "" || !utf8.ValidString(name) {
		return false
	}
	s := "#" + name
	t, ok := tagAt(s, 0, len(s))
	return ok && t.end == len(s)
}

// kind says what an entity found by scan is.
type kind uint8

const (
	kindURL kind = iota + 1
	kindMention
	kindTag
)

// entity is a mention, tag or URL found in normalised text: byte offsets
// so that rendering can copy the text around it untouched.
type entity struct {
	kind       kind
	start, end int
	mention    Mention
}

// scan finds all entities in normalised text in order. URLs are found
// first and mentions and tags only in the text between them, so a URL's
// fragment or path never becomes a tag or a mention.
func scan(s string) []entity {
	urls := findURLs(s)
	var out []entity
	pos := 0
	for _, u := range urls {
		out = findWords(s, pos, u.start, out)
		out = append(out, u)
		pos = u.end
	}
	return findWords(s, pos, len(s), out)
}

// findURLs finds http:// and https:// URLs (scheme in any case): the
// scheme followed by non-space characters, less trailing punctuation.
func findURLs(s string) []entity {
	var out []entity
	for i := 0; i < len(s); {
		n := schemeLen(s[i:])
		if n == 0 {
			i++
			continue
		}
		end := i + n
		for end < len(s) {
			r, size := utf8.DecodeRuneInString(s[end:])
			if unicode.IsSpace(r) {
				break
			}
			end += size
		}
		end = i + n + len(trimURL(s[i+n:end]))
		if end == i+n {
			// A bare scheme is not a link; go on after it.
			i = end
			continue
		}
		out = append(out, entity{kind: kindURL, start: i, end: end})
		i = end
	}
	return out
}

// schemeLen returns the length of the "http://" or "https://" at the start
// of s, compared in ASCII only so no Unicode case folding (such as 'ſ' for
// 's') can make something else look like a scheme; 0 if there is none.
func schemeLen(s string) int {
	for _, scheme := range [...]string{"http://", "https://"} {
		if len(s) >= len(scheme) && asciiEqualFold(s[:len(scheme)], scheme) {
			return len(scheme)
		}
	}
	return 0
}

// asciiEqualFold compares a with lower-case ASCII b, ignoring ASCII case.
func asciiEqualFold(a, b string) bool {
	for i := 0; i < len(b); i++ {
		c := a[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != b[i] {
			return false
		}
	}
	return true
}

// trimURL drops what ends a sentence rather than a URL: trailing . , ; : !
// ? ' " and a closing ) or ] that has no opening partner in the URL, so
// "(see https://en.wikipedia.org/wiki/Go_(language))." keeps the inner pair.
func trimURL(u string) string {
	open := strings.Count(u, "(") - strings.Count(u, ")")
	square := strings.Count(u, "[") - strings.Count(u, "]")
	for u != "" {
		switch u[len(u)-1] {
		case '.', ',', ';', ':', '!', '?', '\'', '"':
		case ')':
			if open >= 0 {
				return u
			}
			open++
		case ']':
			if square >= 0 {
				return u
			}
			square++
		default:
			return u
		}
		u = u[:len(u)-1]
	}
	return u
}

// findWords appends the mentions and tags in s[lo:hi]. Boundary checks
// look at s as a whole, so a word that runs into a neighbouring URL is not
// taken for a shorter one.
func findWords(s string, lo, hi int, out []entity) []entity {
	for i := lo; i < hi; {
		var t entity
		var ok bool
		switch s[i] {
		case '@':
			t, ok = mentionAt(s, i, hi)
		case '#':
			t, ok = tagAt(s, i, hi)
		}
		if ok {
			out = append(out, t)
			i = t.end
			continue
		}
		i++
	}
	return out
}

// maxUsername is the longest username a mention can name.
const maxUsername = 30

// mentionAt reads a mention at s[i] == '@', not past hi. It needs a
// boundary before the '@' (so "a@b.com" and "https://x/@a" are not
// mentions), a username of [A-Za-z0-9_]{1,30} not running on into other
// letters, and optionally "@domain" ending in a letter or digit.
func mentionAt(s string, i, hi int) (entity, bool) {
	if r := runeBefore(s, i); wordRune(r) || r == '@' || r == '/' {
		return entity{}, false
	}
	j := i + 1
	for j < hi && usernameByte(s[j]) {
		j++
	}
	user := s[i+1 : j]
	if user == "" || len(user) > maxUsername {
		return entity{}, false
	}
	if r, _ := utf8.DecodeRuneInString(s[j:]); wordRune(r) {
		return entity{}, false
	}
	m := Mention{Username: user}
	if j < hi && s[j] == '@' {
		k := j + 1
		for k < hi {
			r, size := utf8.DecodeRuneInString(s[k:hi])
			if !domainRune(r) || (k == j+1 && !alnumRune(r)) {
				break
			}
			k += size
		}
		for k > j+1 && (s[k-1] == '.' || s[k-1] == '-') {
			k--
		}
		if k > j+1 {
			m.Domain = s[j+1 : k]
			j = k
		}
	}
	return entity{kind: kindMention, start: i, end: j, mention: m}, true
}

// tagAt reads a hashtag at s[i] == '#', not past hi. It needs a boundary
// before the '#' (so "C#", "a#b" and "&#39;" are not tags), then a run of
// letters, marks, decimal digits and underscores with at least one letter.
// A ZWNJ is kept between two such characters, as Persian compounds need,
// and dropped at the end. The first character may not be a mark, so the
// keycap emoji "#\uFE0F\u20E3" is not a tag.
func tagAt(s string, i, hi int) (entity, bool) {
	if r := runeBefore(s, i); wordRune(r) || r == '&' {
		return entity{}, false
	}
	j := i + 1
	letter := false
	for j < hi {
		r, size := utf8.DecodeRuneInString(s[j:hi])
		if r == zwnj && j > i+1 {
			if next, _ := utf8.DecodeRuneInString(s[j+size : hi]); !wordRune(next) {
				break
			}
		} else if !wordRune(r) || j == i+1 && unicode.IsMark(r) {
			break
		}
		letter = letter || unicode.IsLetter(r)
		j += size
	}
	if !letter {
		return entity{}, false
	}
	return entity{kind: kindTag, start: i, end: j}, true
}

// zwnj is ZERO WIDTH NON-JOINER, part of the spelling of Persian words.
const zwnj = '\u200C'

// runeBefore returns the rune ending at s[i], or -1 at the start of text.
func runeBefore(s string, i int) rune {
	if i == 0 {
		return -1
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

// wordRune reports characters that continue a word: those a hashtag is
// made of, and those after which '@' and '#' are part of a word rather than
// the start of an entity. Marks count, so a hashtag may carry Arabic vowel
// signs and an '@' after one is still inside the word.
func wordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// usernameByte reports the characters of a username, ASCII only as
// Mastodon usernames are.
func usernameByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// domainRune reports characters of a domain; letters may be non-ASCII for
// internationalised domain names as written.
func domainRune(r rune) bool {
	return r == '.' || r == '-' || alnumRune(r) || unicode.IsMark(r)
}

// alnumRune reports the letters and digits a domain starts and ends with.
func alnumRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
