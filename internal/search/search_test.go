package search

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// TestNormalize shows every rule with real words: each row is a spelling
// people write and the form both it and its variants are indexed under.
func TestNormalize(t *testing.T) {
	tests := []struct {
		rule, in, want string
	}{
		// Tashkeel: harakat, tanwin, shadda, sukun and the superscript alef.
		{"fatha", "كَتَبَ", "كتب"},
		{"damma and shadda", "مُحَمَّد", "محمد"},
		{"tanwin", "شكرًا", "شكرا"},
		{"sukun and kasra", "مِنْ", "من"},
		{"superscript alef", "هٰذا", "هذا"},
		{"Quranic small high mark", "الصَّلَوٰةُ", "الصلوه"},
		// Tatweel stretches a word; it is not a letter.
		{"tatweel", "جـــميل", "جميل"},
		// Alef with hamza above or below, with madda, wasla.
		{"alef hamza above", "أحمد", "احمد"},
		{"alef hamza below", "إسلام", "اسلام"},
		{"alef madda", "آزادی", "ازادي"},
		{"alef wasla", "ٱلرحمن", "الرحمن"},
		{"decomposed alef hamza", "ا\u0654حمد", "احمد"},
		// Yeh: Arabic, Persian and alef maksura are one letter.
		{"Arabic yeh", "علي", "علي"},
		{"Persian yeh", "علی", "علي"},
		{"alef maksura", "مستشفى", "مستشفي"},
		// Kaf: Arabic and Persian (keheh).
		{"Arabic kaf", "كتاب", "كتاب"},
		{"Persian kaf", "کتاب", "كتاب"},
		// Teh marbuta and heh.
		{"teh marbuta", "مدرسة", "مدرسه"},
		{"heh", "مدرسه", "مدرسه"},
		{"ezafe, heh with hamza", "خانهٔ", "خانه"},
		{"ezafe, heh with yeh above", "خانۀ", "خانه"},
		// The zero-width non-joiner of Persian compounds.
		{"ZWNJ", "می\u200cخواهم", "ميخواهم"},
		{"without ZWNJ", "میخواهم", "ميخواهم"},
		{"ZWNJ plural", "کتاب\u200cها", "كتابها"},
		{"other invisible marks", "\u200fسلام\u200e", "سلام"},
		{"zero-width space separates", "ภาษา\u200bไทย", "ภาษา ไทย"},
		// Digits.
		{"Arabic-Indic digits", "٢٠٢٤", "2024"},
		{"Persian digits", "۱۴۰۲", "1402"},
		{"mixed digits", "ساعت ۸:٣٠", "ساعت 8:30"},
		// Latin: case and accents.
		{"upper case", "TEHRAN", "tehran"},
		{"acute", "Café", "cafe"},
		{"tilde and acute", "Ñandú", "nandu"},
		{"cedilla", "Français", "francais"},
		{"Turkish", "İstanbul Şişli", "istanbul sisli"},
		{"Vietnamese stacked marks", "Việt", "viet"},
		{"decomposed accent", "Cafe\u0301", "cafe"},
		{"no decomposition", "Straße Øre", "straße øre"},
		// Compatibility forms.
		{"lam-alef ligature", "ﻻ", "لا"},
		{"Arabic presentation forms", "ﺳﻼﻡ", "سلام"},
		{"full-width Latin", "Ｉｒａｎ", "iran"},
		{"Latin ligature", "ﬁlm", "film"},
		// What must not change.
		{"Devanagari vowel signs", "नमस्ते", "नमस्ते"},
		{"hamza on waw", "مؤمن", "مؤمن"},
		{"hashtag and mention", "#آزادی @ali", "#ازادي @ali"},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			if got := Normalize(tc.in); got != tc.want {
				t.Errorf("Normalize(%q) = %q (%U), want %q", tc.in, got, []rune(got), tc.want)
			}
		})
	}
}

// TestVariantsMatch pairs spellings a search must treat as one word.
func TestVariantsMatch(t *testing.T) {
	pairs := [][2]string{
		{"آزادی", "ازادي"},
		{"إيران", "ایران"},
		{"می\u200cخواهم", "میخواهم"},
		{"مدرسة", "مدرسه"},
		{"كتاب", "کتاب"},
		{"۱۴۰۱", "1401"},
		{"١٤٠١", "۱۴۰۱"},
		{"Mahsa", "MAHSA"},
		{"Mahsâ", "mahsa"},
		{"مَهسا", "مهسا"},
		{"مهـــسا", "مهسا"},
	}
	for _, p := range pairs {
		if a, b := Normalize(p[0]), Normalize(p[1]); a != b {
			t.Errorf("Normalize(%q) = %q, Normalize(%q) = %q; want equal", p[0], a, p[1], b)
		}
	}
}

func TestIndexText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Hello World", "hello world"},
		{"compound indexed whole and in parts", "کتاب\u200cها را می\u200cخواهم", "كتابها را ميخواهم كتاب ها مي خواهم"},
		{"spoiler and text", "هشدار\nمتن", "هشدار\nمتن"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IndexText(tc.in); got != tc.want {
				t.Errorf("IndexText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestTerms(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"words", "Free  Iran", []string{"free", "iran"}},
		{"punctuation separates", "women,life;freedom!", []string{"women", "life", "freedom"}},
		{"hashtag and mention", "#آزادی @mahsa", []string{"ازادي", "mahsa"}},
		{"FTS syntax is only separators", `"a" OR b* NEAR(c d) -e col:f ^g`, []string{"a", "or", "b", "near", "c", "d", "e", "col", "f", "g"}},
		{"quotes and parentheses alone", `"()*:^-+`, nil},
		{"empty", "", nil},
		{"Persian compound", "می\u200cخواهم", []string{"ميخواهم"}},
		{"Devanagari keeps its marks", "नमस्ते दुनिया", []string{"नमस्ते", "दुनिया"}},
		{"digits", "۱۴۰۱ 2022", []string{"1401", "2022"}},
		{"invalid UTF-8", "caf\xe9 ok", []string{"caf", "ok"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Terms(tc.in)); diff != "" {
				t.Errorf("Terms(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
	long := strings.Repeat("word ", 100)
	if n := len(Terms(long)); n != MaxTerms {
		t.Errorf("Terms of 100 words: %d terms, want %d", n, MaxTerms)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"كَتَبَ", "می\u200cخواهم", "Café", "ﻻ", "۱۴۰۲", "नमस्ते", "خانهٔ", "\xff", "e\u0301\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("not idempotent: Normalize(%q) = %q, then %q", s, n, again)
		}
		for _, term := range Terms(s) {
			if term == "" || strings.ContainsAny(term, "\"*():^ ") {
				t.Fatalf("Terms(%q) has %q", s, term)
			}
		}
	})
}
